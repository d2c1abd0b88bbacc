package io.usernetes.identity.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One 512-byte tar header block (ustar, GNU or v7), read and changed field by field: every byte
 * this class does not set stays as the archive had it.
 */
final class TarHeader {
  static final int BLOCK = 512;
  static final byte REGULAR = '0';
  static final byte HARD_LINK = '1';
  static final byte SYMLINK = '2';
  static final byte CHAR_DEVICE = '3';
  static final byte BLOCK_DEVICE = '4';
  static final byte DIRECTORY = '5';
  static final byte FIFO = '6';
  static final byte CONTIGUOUS = '7';
  static final byte PAX = 'x';
  static final byte PAX_GLOBAL = 'g';
  static final byte GNU_LONG_NAME = 'L';
  static final byte GNU_LONG_LINK = 'K';
  static final byte GNU_SPARSE = 'S';

  private static final int NAME = 0;
  private static final int MODE = 100;
  private static final int UID = 108;
  private static final int GID = 116;
  private static final int SIZE = 124;
  private static final int MTIME = 136;
  private static final int CHECKSUM = 148;
  private static final int TYPE = 156;
  private static final int LINKNAME = 157;
  private static final int MAGIC = 257;
  private static final int PREFIX = 345;
  private static final byte[] USTAR = {'u', 's', 't', 'a', 'r', 0};

  final byte[] block;
  private boolean changed;

  TarHeader(byte[] block) {
    this.block = block;
  }

  /** A new ustar header of {@code type} with the given fields; owner 0:0. */
  static TarHeader create(byte type, byte[] name, int mode, long size, byte[] mtimeField) {
    if (name.length > 100) {
      throw new IllegalArgumentException("name longer than a ustar name field");
    }
    TarHeader h = new TarHeader(new byte[BLOCK]);
    System.arraycopy(name, 0, h.block, NAME, name.length);
    h.setOctal(MODE, 8, mode);
    h.setOctal(UID, 8, 0);
    h.setOctal(GID, 8, 0);
    h.setOctal(SIZE, 12, size);
    System.arraycopy(mtimeField, 0, h.block, MTIME, 12);
    h.block[TYPE] = type;
    System.arraycopy(USTAR, 0, h.block, MAGIC, USTAR.length);
    h.block[MAGIC + 6] = '0';
    h.block[MAGIC + 7] = '0';
    return h;
  }

  static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  /** The type flag as written; v7's NUL is a regular file or, named with a slash, a directory. */
  byte rawType() {
    return block[TYPE];
  }

  /** The link target field. */
  byte[] linkName() {
    return field(LINKNAME, 100);
  }

  /** Whether a setter changed the block since it was read; only then is it sealed again. */
  boolean changed() {
    return changed;
  }

  long uid() throws IOException {
    return number(UID, 8, "uid");
  }

  long gid() throws IOException {
    return number(GID, 8, "gid");
  }

  long size() throws IOException {
    return number(SIZE, 12, "size");
  }

  void setUid(long uid) {
    setOctal(UID, 8, uid);
  }

  void setGid(long gid) {
    setOctal(GID, 8, gid);
  }

  void setSize(long size) {
    setOctal(SIZE, 12, size);
  }

  byte[] mtimeField() {
    return Arrays.copyOfRange(block, MTIME, MTIME + 12);
  }

  /** Whether the checksum field matches the block (signed or unsigned sums, as tar accepts). */
  boolean checksumValid() throws IOException {
    long stored = number(CHECKSUM, 8, "checksum");
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < BLOCK; i++) {
      byte b = i >= CHECKSUM && i < CHECKSUM + 8 ? (byte) ' ' : block[i];
      unsigned += b & 0xFF;
      signed += b;
    }
    return stored == unsigned || stored == signed;
  }

  /** The name: ustar's prefix and name fields (GNU headers use the prefix for other things). */
  byte[] ustarName() {
    byte[] name = field(NAME, 100);
    boolean posix = Arrays.equals(Arrays.copyOfRange(block, MAGIC, MAGIC + 6), USTAR);
    byte[] prefix = posix ? field(PREFIX, 155) : new byte[0];
    if (prefix.length == 0) {
      return name;
    }
    byte[] joined = Arrays.copyOf(prefix, prefix.length + 1 + name.length);
    joined[prefix.length] = '/';
    System.arraycopy(name, 0, joined, prefix.length + 1, name.length);
    return joined;
  }

  /** Recomputes the checksum; call after the last change. */
  void seal() {
    Arrays.fill(block, CHECKSUM, CHECKSUM + 8, (byte) ' ');
    long sum = 0;
    for (byte b : block) {
      sum += b & 0xFF;
    }
    byte[] text = String.format("%06o", sum).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(text, 0, block, CHECKSUM, 6);
    block[CHECKSUM + 6] = 0;
    block[CHECKSUM + 7] = ' ';
  }

  private byte[] field(int offset, int length) {
    int end = offset;
    while (end < offset + length && block[end] != 0) {
      end++;
    }
    return Arrays.copyOfRange(block, offset, end);
  }

  /** An octal field (spaces and NULs around it), or GNU's base-256 form. */
  private long number(int offset, int length, String what) throws IOException {
    if ((block[offset] & 0x80) != 0) {
      if (block[offset] != (byte) 0x80) {
        throw new IOException("negative or oversized base-256 " + what + " field");
      }
      long value = 0;
      for (int i = offset + 1; i < offset + length; i++) {
        if (value >>> 55 != 0) {
          throw new IOException("oversized base-256 " + what + " field");
        }
        value = value << 8 | (block[i] & 0xFF);
      }
      return value;
    }
    int i = offset;
    int end = offset + length;
    while (i < end && (block[i] == ' ' || block[i] == 0)) {
      i++;
    }
    long value = 0;
    boolean digits = false;
    for (; i < end && block[i] >= '0' && block[i] <= '7'; i++) {
      value = value * 8 + (block[i] - '0');
      digits = true;
    }
    for (; i < end; i++) {
      if (block[i] != ' ' && block[i] != 0) {
        throw new IOException("malformed " + what + " field");
      }
    }
    return digits ? value : 0;
  }

  private void setOctal(int offset, int length, long value) {
    changed = true;
    String text = Long.toOctalString(value);
    if (text.length() > length - 1) {
      throw new IllegalArgumentException(value + " does not fit a " + length + "-byte octal field");
    }
    Arrays.fill(block, offset, offset + length, (byte) 0);
    String padded = "0".repeat(length - 1 - text.length()) + text;
    System.arraycopy(padded.getBytes(StandardCharsets.US_ASCII), 0, block, offset, length - 1);
  }
}
