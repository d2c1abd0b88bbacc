package io.usernetes.identity.fuse;

import io.usernetes.identity.overlay.Attr;
import java.util.Locale;
import jnr.ffi.Pointer;

/**
 * Where glibc's {@code struct stat} keeps each field on the architectures the kernel binding
 * supports: x86_64's own layout and aarch64's generic one. libfuse zeroes the struct before each
 * getattr, so only the fields it reports are written.
 */
final class StatLayout {
  private static final StatLayout X86_64 = new StatLayout(16, 8, 24, 4, 28, 32, 40, 48, 56, 8, 64, 72);
  private static final StatLayout AARCH64 = new StatLayout(20, 4, 16, 4, 24, 28, 32, 48, 56, 4, 64, 72);

  private final long nlink;
  private final int nlinkSize;
  private final long ino = 8;
  private final long mode;
  private final long uid;
  private final long gid;
  private final long rdev;
  private final long size;
  private final long blksize;
  private final int blksizeSize;
  private final long blocks;
  private final long atim;

  private StatLayout(long nlink, int nlinkSize, long mode, int unusedModeSize, long uid, long gid,
      long rdev, long size, long blksize, int blksizeSize, long blocks, long atim) {
    this.nlink = nlink;
    this.nlinkSize = nlinkSize;
    this.mode = mode;
    this.uid = uid;
    this.gid = gid;
    this.rdev = rdev;
    this.size = size;
    this.blksize = blksize;
    this.blksizeSize = blksizeSize;
    this.blocks = blocks;
    this.atim = atim;
  }

  /** The layout of this JVM's architecture (the kernel binding's: Linux on x86-64 or AArch64). */
  static StatLayout current() {
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    return switch (arch) {
      case "amd64", "x86_64" -> X86_64;
      case "aarch64" -> AARCH64;
      default -> throw new UnsupportedOperationException("no struct stat layout for " + arch);
    };
  }

  void fill(Pointer st, Attr a) {
    st.putLong(ino, a.ino());
    if (nlinkSize == 8) {
      st.putLong(nlink, a.nlink());
    } else {
      st.putInt(nlink, (int) a.nlink());
    }
    st.putInt(mode, a.mode());
    st.putInt(uid, (int) a.uid());
    st.putInt(gid, (int) a.gid());
    st.putLong(rdev, Devices.make(a.rdevMajor(), a.rdevMinor()));
    st.putLong(size, a.size());
    if (blksizeSize == 8) {
      st.putLong(blksize, a.blockSize());
    } else {
      st.putInt(blksize, a.blockSize());
    }
    st.putLong(blocks, a.blocks());
    st.putLong(atim, a.atime().seconds());
    st.putLong(atim + 8, a.atime().nanos());
    st.putLong(atim + 16, a.mtime().seconds());
    st.putLong(atim + 24, a.mtime().nanos());
    st.putLong(atim + 32, a.ctime().seconds());
    st.putLong(atim + 40, a.ctime().nanos());
  }
}
