package io.usernetes.identity.kernel;

import java.util.Arrays;

/**
 * One name in a directory listing, as {@code getdents64(2)} returns it.
 *
 * <p>{@code name} holds the exact bytes of the name and is shared, not copied: treat it as
 * read-only. {@code type} is one of the {@code DT_*} constants; file systems may answer
 * {@link #DT_UNKNOWN}, and then only {@code statx} tells.
 */
public record DirEntry(byte[] name, long ino, int type) {
  public static final int DT_UNKNOWN = 0;
  public static final int DT_FIFO = 1;
  public static final int DT_CHR = 2;
  public static final int DT_DIR = 4;
  public static final int DT_BLK = 6;
  public static final int DT_REG = 8;
  public static final int DT_LNK = 10;
  public static final int DT_SOCK = 12;

  @Override
  public boolean equals(Object o) {
    return o instanceof DirEntry e && ino == e.ino && type == e.type && Arrays.equals(name, e.name);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(name) * 31 + Long.hashCode(ino);
  }

  @Override
  public String toString() {
    return Printable.appendQuoted(new StringBuilder("DirEntry["), name).append(", ino=").append(ino).append(", type=").append(type).append(']').toString();
  }
}
