package io.usernetes.identity.kernel;

import static io.usernetes.identity.kernel.LibC.AT_EMPTY_PATH;
import static io.usernetes.identity.kernel.LibC.AT_NO_AUTOMOUNT;
import static io.usernetes.identity.kernel.LibC.AT_SYMLINK_NOFOLLOW;
import static io.usernetes.identity.kernel.Syscall.cString;
import static io.usernetes.identity.kernel.Syscall.interrupted;

import com.sun.jna.Native;

/**
 * Reading and changing a file's inode attributes (type, mode, owner, times) and its file
 * system's usage. Calls on a name never follow a symlink there: they act on the link itself.
 */
public final class Attributes {
  /** An owner or group argument that leaves the id as it is ({@code (uid_t) -1}). */
  public static final long UNCHANGED = -1;

  private static final int STATX_BASIC_STATS = 0x7ff;
  private static final byte[] EMPTY = {0};

  /** Set once {@code fchmodat2} answered {@code ENOSYS} (kernel before 6.6, or a seccomp filter). */
  private static volatile boolean noFchmodat2;

  private Attributes() {}

  /** {@code statx(dir, name, AT_SYMLINK_NOFOLLOW)}: a symlink is described, not followed. */
  public static Stat statx(Fd dir, byte[] name) throws ErrnoException {
    return statx("statx", dir.number(), cString("statx", name), name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT);
  }

  /** Like {@link #statx(Fd, byte[])}, but null where the name does not exist. */
  public static Stat statxOrNull(Fd dir, byte[] name) throws ErrnoException {
    byte[] buf = new byte[Stat.STATX_SIZE];
    int n = dir.number();
    byte[] path = cString("statx", name);
    int r;
    do {
      r = LibC.statx(n, path, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, STATX_BASIC_STATS, buf);
    } while (interrupted(r));
    if (r == -1) {
      if (Native.getLastError() == ErrnoException.ENOENT) {
        return null;
      }
      throw Syscall.failure("statx", name);
    }
    return Stat.decode(buf);
  }

  /** True when {@code name} exists in {@code dir} (without following it). */
  public static boolean exists(Fd dir, byte[] name) throws ErrnoException {
    return statxOrNull(dir, name) != null;
  }

  /** {@code statx(fd, "", AT_EMPTY_PATH)}: the file {@code fd} refers to, also through {@code O_PATH}. */
  public static Stat statx(Fd fd) throws ErrnoException {
    int n = fd.number();
    return statx("statx(fd " + n + ")", n, EMPTY, null, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT);
  }

  private static Stat statx(String call, int dirfd, byte[] path, byte[] name, int flags) throws ErrnoException {
    byte[] buf = new byte[Stat.STATX_SIZE];
    int r;
    do {
      r = LibC.statx(dirfd, path, flags, STATX_BASIC_STATS, buf);
    } while (interrupted(r));
    if (r == -1) {
      throw name == null ? Syscall.failure(call) : Syscall.failure(call, name);
    }
    return Stat.decode(buf);
  }

  /** {@code fchownat(dir, name, uid, gid, AT_SYMLINK_NOFOLLOW)}; {@link #UNCHANGED} keeps an id. */
  public static void fchownat(Fd dir, byte[] name, long uid, long gid) throws ErrnoException {
    int d = dir.number();
    byte[] path = cString("fchownat", name);
    int u = id("fchownat", uid, name);
    int g = id("fchownat", gid, name);
    int r;
    do {
      r = LibC.fchownat(d, path, u, g, AT_SYMLINK_NOFOLLOW);
    } while (interrupted(r));
    if (r == -1) {
      throw Syscall.failure("fchownat", name);
    }
  }

  /**
   * Changes the owner of the file {@code fd} refers to, as {@code fchownat(fd, "", uid, gid,
   * AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)}: unlike {@code fchown(2)} this also works on an
   * {@code O_PATH} descriptor, so a symlink or device can be chowned through its descriptor.
   */
  public static void fchown(Fd fd, long uid, long gid) throws ErrnoException {
    int n = fd.number();
    String call = "fchown(fd " + n + ")";
    int u = id(call, uid);
    int g = id(call, gid);
    int r;
    do {
      r = LibC.fchownat(n, EMPTY, u, g, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
    } while (interrupted(r));
    if (r == -1) {
      throw Syscall.failure(call);
    }
  }

  private static int id(String call, long id, byte[]... names) throws ErrnoException {
    if (id != UNCHANGED && (id < 0 || id >= 0xffff_ffffL)) {
      throw new ErrnoException(ErrnoException.EINVAL, call, names);
    }
    return (int) id;
  }

  /** {@code fchmod(2)}: needs a descriptor opened for I/O ({@code O_PATH} gives {@code EBADF}). */
  public static void fchmod(Fd fd, int mode) throws ErrnoException {
    int n = fd.number();
    int r;
    do {
      r = LibC.fchmod(n, mode);
    } while (interrupted(r));
    if (r == -1) {
      throw Syscall.failure("fchmod(fd " + n + ")");
    }
  }

  /**
   * Changes the mode of {@code name} without following a symlink there; a symlink itself gives
   * {@code EOPNOTSUPP} (Linux symlink modes are always 0777).
   *
   * <p>The {@code fchmodat(2)} system call has no flags argument, and glibc 2.36's
   * {@code fchmodat(…, AT_SYMLINK_NOFOLLOW)} emulates the flag with four calls (open
   * {@code O_PATH}, {@code fstatat}, {@code chmod} of {@code /proc/self/fd/N}, close), failing
   * with {@code EOPNOTSUPP} on a symlink. So this uses the {@code fchmodat2} system call (Linux
   * 6.6), one call with the same answers, and falls back to glibc's emulation when the kernel
   * lacks it (which then needs {@code /proc}).
   */
  public static void fchmodat(Fd dir, byte[] name, int mode) throws ErrnoException {
    if (!noFchmodat2) {
      int d = dir.number();
      byte[] path = cString("fchmodat2", name);
      long r;
      do {
        r = LibC.syscall(LibC.SYS_FCHMODAT2, d, path, mode, AT_SYMLINK_NOFOLLOW);
      } while (interrupted(r));
      if (r == 0) {
        return;
      }
      if (Native.getLastError() != ErrnoException.ENOSYS) {
        throw Syscall.failure("fchmodat2", name);
      }
      noFchmodat2 = true;
    }
    fchmodatWithGlibc(dir, name, mode);
  }

  /** The fallback of {@link #fchmodat}, package-private so tests run it on a kernel with fchmodat2. */
  static void fchmodatWithGlibc(Fd dir, byte[] name, int mode) throws ErrnoException {
    int d = dir.number();
    byte[] path = cString("fchmodat", name);
    int r;
    do {
      r = LibC.fchmodat(d, path, mode, AT_SYMLINK_NOFOLLOW);
    } while (interrupted(r));
    if (r == -1) {
      throw Syscall.failure("fchmodat", name);
    }
  }

  /** {@code utimensat(dir, name, {atime, mtime}, AT_SYMLINK_NOFOLLOW)}: a symlink's own times. */
  public static void utimensat(Fd dir, byte[] name, Timespec atime, Timespec mtime) throws ErrnoException {
    int d = dir.number();
    byte[] path = cString("utimensat", name);
    long[] times = {atime.seconds(), atime.nanos(), mtime.seconds(), mtime.nanos()};
    int r;
    do {
      r = LibC.utimensat(d, path, times, AT_SYMLINK_NOFOLLOW);
    } while (interrupted(r));
    if (r == -1) {
      throw Syscall.failure("utimensat", name);
    }
  }

  /** {@code futimens(3)}: needs a descriptor opened for I/O ({@code O_PATH} gives {@code EBADF}). */
  public static void futimens(Fd fd, Timespec atime, Timespec mtime) throws ErrnoException {
    int n = fd.number();
    long[] times = {atime.seconds(), atime.nanos(), mtime.seconds(), mtime.nanos()};
    int r;
    do {
      r = LibC.futimens(n, times);
    } while (interrupted(r));
    if (r == -1) {
      throw Syscall.failure("futimens(fd " + n + ")");
    }
  }

  /** {@code statvfs(3)} of the file system holding {@code path} (symlinks followed). */
  public static StatVfs statvfs(byte[] path) throws ErrnoException {
    byte[] c = cString("statvfs", path);
    byte[] buf = new byte[StatVfs.SIZE];
    int r;
    do {
      r = LibC.statvfs(c, buf);
    } while (interrupted(r));
    if (r == -1) {
      throw Syscall.failure("statvfs", path);
    }
    return StatVfs.decode(buf);
  }

  /** {@code fstatvfs(3)}; works on {@code O_PATH} descriptors too. */
  public static StatVfs fstatvfs(Fd fd) throws ErrnoException {
    int n = fd.number();
    byte[] buf = new byte[StatVfs.SIZE];
    int r;
    do {
      r = LibC.fstatvfs(n, buf);
    } while (interrupted(r));
    if (r == -1) {
      throw Syscall.failure("fstatvfs(fd " + n + ")");
    }
    return StatVfs.decode(buf);
  }
}
