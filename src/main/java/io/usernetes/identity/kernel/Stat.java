package io.usernetes.identity.kernel;

/**
 * What {@code statx(2)} says about a file, decoded from the architecture-independent
 * {@code struct statx}. Ids are the kernel's (host) ids as unsigned values; {@code blocks}
 * counts 512-byte units.
 */
public record Stat(
    int mode,
    long uid,
    long gid,
    long ino,
    int devMajor,
    int devMinor,
    int rdevMajor,
    int rdevMinor,
    long nlink,
    long size,
    long blocks,
    int blockSize,
    Timespec atime,
    Timespec mtime,
    Timespec ctime) {

  public static final int S_IFMT = 0170000;
  public static final int S_IFSOCK = 0140000;
  public static final int S_IFLNK = 0120000;
  public static final int S_IFREG = 0100000;
  public static final int S_IFBLK = 0060000;
  public static final int S_IFDIR = 0040000;
  public static final int S_IFCHR = 0020000;
  public static final int S_IFIFO = 0010000;

  /** {@code struct statx} is 256 bytes on every architecture. */
  static final int STATX_SIZE = 256;

  /** The file type bits of {@link #mode}, one of the {@code S_IF*} constants. */
  public int type() {
    return mode & S_IFMT;
  }

  /** The permission bits of {@link #mode}, including set-user-id, set-group-id and sticky. */
  public int permissions() {
    return mode & 07777;
  }

  static Stat decode(byte[] statx) {
    return new Stat(
        Layout.u16(statx, 28),
        Layout.u32(statx, 20),
        Layout.u32(statx, 24),
        Layout.s64(statx, 32),
        Layout.s32(statx, 136),
        Layout.s32(statx, 140),
        Layout.s32(statx, 128),
        Layout.s32(statx, 132),
        Layout.u32(statx, 16),
        Layout.s64(statx, 40),
        Layout.s64(statx, 48),
        Layout.s32(statx, 4),
        time(statx, 64),
        time(statx, 112),
        time(statx, 96));
  }

  private static Timespec time(byte[] statx, int offset) {
    return new Timespec(Layout.s64(statx, offset), Layout.s32(statx, offset + 8));
  }
}
