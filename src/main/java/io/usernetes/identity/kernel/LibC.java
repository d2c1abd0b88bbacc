package io.usernetes.identity.kernel;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The C library functions this package calls, bound with JNA direct mapping (no proxy, no
 * reflection per call). Package-private: callers see {@link Fd}, {@code byte[]} and records.
 *
 * <p>Conventions: {@code byte[]} paths and names must be NUL-terminated (see
 * {@link Syscall#cString}); {@code size_t}, {@code ssize_t} and {@code off_t} are {@code long}
 * (LP64); ids are {@code int} bit patterns of {@code uid_t}/{@code gid_t}. JNA saves
 * {@code errno} after every call, read with {@code Native.getLastError()}. Requires glibc 2.32
 * or later ({@code strerrordesc_np}, {@code statx}, {@code renameat2}, {@code getdents64}).
 */
final class LibC {
  static final int AT_FDCWD = -100;
  static final int AT_SYMLINK_NOFOLLOW = 0x100;
  static final int AT_NO_AUTOMOUNT = 0x800;
  static final int AT_EMPTY_PATH = 0x1000;
  static final long SYS_OPENAT2 = 437;
  static final long SYS_FCHMODAT2 = 452;
  static final long SYS_SETXATTRAT = 463;
  static final long SYS_GETXATTRAT = 464;
  static final long SYS_REMOVEXATTRAT = 466;

  static {
    Objects.requireNonNull(Arch.CURRENT); // fail here, clearly, on an architecture whose ABI is unknown
    Native.register(LibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
  }

  private LibC() {}

  static native String strerrordesc_np(int errnum);

  static native int getuid();

  static native int geteuid();

  static native int getgid();

  static native int close(int fd);

  static native int open(byte[] path, int flags, int mode);

  static native int dup2(int oldfd, int newfd);

  static native int umask(int mask);

  static native int statfs(byte[] path, byte[] buf);

  static native int umount2(byte[] target, int flags);


  static native int openat(int dirfd, byte[] path, int flags, int mode);

  /** {@code openat2} (number 437 on every architecture; Linux 5.6): {@code syscall(nr, dirfd, path, &how, sizeof how)}. */
  static native long syscall(long number, int dirfd, byte[] path, long[] how, long size);

  static native int mkdirat(int dirfd, byte[] path, int mode);

  static native int mknodat(int dirfd, byte[] path, int mode, long dev);

  static native int symlinkat(byte[] target, int newdirfd, byte[] linkpath);

  static native int linkat(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath, int flags);

  static native int renameat2(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath, int flags);

  static native int unlinkat(int dirfd, byte[] path, int flags);

  static native long readlinkat(int dirfd, byte[] path, byte[] buf, long bufsiz);

  static native long getdents64(int fd, byte[] dirp, long count);

  static native long fgetxattr(int fd, byte[] name, byte[] value, long size);

  static native long getxattr(byte[] path, byte[] name, byte[] value, long size);

  static native int fsetxattr(int fd, byte[] name, byte[] value, long size, int flags);

  static native int setxattr(byte[] path, byte[] name, byte[] value, long size, int flags);

  static native long flistxattr(int fd, byte[] list, long size);

  static native long listxattr(byte[] path, byte[] list, long size);

  static native int fremovexattr(int fd, byte[] name);

  static native int removexattr(byte[] path, byte[] name);

  static native long pread(int fd, long buf, long count, long offset);

  static native long pread(int fd, ByteBuffer buf, long count, long offset);

  static native long pwrite(int fd, long buf, long count, long offset);

  static native long pwrite(int fd, ByteBuffer buf, long count, long offset);

  static native int ftruncate(int fd, long length);

  static native int fsync(int fd);

  static native int fdatasync(int fd);

  static native int fallocate(int fd, int mode, long offset, long len);

  static native long copy_file_range(int fdIn, long[] offIn, int fdOut, long[] offOut, long len, int flags);

  static native int statx(int dirfd, byte[] path, int flags, int mask, byte[] statxbuf);

  static native int statvfs(byte[] path, byte[] buf);

  static native int fstatvfs(int fd, byte[] buf);

  static native int fchownat(int dirfd, byte[] path, int owner, int group, int flags);

  static native int fchmod(int fd, int mode);

  static native int fchmodat(int dirfd, byte[] path, int mode, int flags);

  /** {@code fchmodat2} (number 452 on every architecture; Linux 6.6): {@code syscall(nr, dirfd, path, mode, flags)}. */
  static native long syscall(long number, int dirfd, byte[] path, int mode, int flags);

  /**
   * {@code getxattrat} and {@code setxattrat} (464 and 463 on every architecture; Linux 6.13):
   * {@code syscall(nr, dirfd, path, at_flags, name, &args, sizeof args)}, {@code args} a
   * {@code struct xattr_args {u64 value; u32 size; u32 flags;}}.
   */
  static native long syscall(long number, int dirfd, byte[] path, int atFlags, byte[] name, long[] args, long size);

  /** {@code removexattrat} (466; Linux 6.13): {@code syscall(nr, dirfd, path, at_flags, name)}. */
  static native long syscall(long number, int dirfd, byte[] path, int atFlags, byte[] name);

  static native int utimensat(int dirfd, byte[] path, long[] times, int flags);

  static native int futimens(int fd, long[] times);
}
