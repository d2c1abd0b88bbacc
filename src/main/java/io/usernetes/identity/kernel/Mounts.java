package io.usernetes.identity.kernel;

/** What the programs ask of the kernel about mounts themselves. */
public final class Mounts {
  /** {@code FUSE_SUPER_MAGIC}: what statfs(2) reports for a live FUSE mount. */
  public static final long FUSE_SUPER_MAGIC = 0x65735546L;
  /** {@code struct statfs} is 120 bytes on LP64; {@code f_type} is its first word. */
  private static final int STATFS_SIZE = 120;

  private Mounts() {}

  /** Unmounts the file system mounted on {@code path} (umount2 without flags: refused while busy). */
  public static void unmount(byte[] path) throws ErrnoException {
    if (LibC.umount2(Syscall.cString("umount2", path), 0) == -1) {
      throw Syscall.failure("umount2", path);
    }
  }

  /** The file system type ({@code f_type}) of the file system {@code path} is on. */
  public static long fileSystemType(byte[] path) throws ErrnoException {
    byte[] buf = new byte[STATFS_SIZE];
    if (LibC.statfs(Syscall.cString("statfs", path), buf) == -1) {
      throw Syscall.failure("statfs", path);
    }
    return java.nio.ByteBuffer.wrap(buf).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(0);
  }
}
