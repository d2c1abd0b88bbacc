package io.usernetes.identity.kernel;

import static io.usernetes.identity.kernel.Syscall.cString;
import static io.usernetes.identity.kernel.Syscall.interrupted;
import static java.nio.charset.StandardCharsets.US_ASCII;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Extended attributes of the file a descriptor refers to: names and values are exact bytes.
 *
 * <p>A descriptor opened for I/O uses {@code fgetxattr} and friends. An {@code O_PATH}
 * descriptor cannot (the kernel answers {@code EBADF}), and it is the only way to hold a
 * symlink or a device without opening it, so for those the calls go through the magic link
 * {@code /proc/self/fd/N} with {@code getxattr} and friends, as fuse-overlayfs does: the magic
 * link resolves to the file itself, also when that file is a symlink (it is not followed further;
 * {@code lgetxattr} would instead act on the {@code /proc} link). This needs {@code /proc}.
 *
 * <p>The kernel's answers come through unchanged: on a symlink or special file, reading a
 * {@code user.*} attribute gives {@code ENODATA} and writing one {@code EPERM}; an unknown
 * namespace or a file system without xattrs gives {@code ENOTSUP}.
 */
public final class Xattrs {
  /** {@link #set}: fail with {@code EEXIST} if the attribute exists. */
  public static final int XATTR_CREATE = 1;
  /** {@link #set}: fail with {@code ENODATA} unless the attribute exists. */
  public static final int XATTR_REPLACE = 2;

  /** Large enough for ownership records and most values; bigger ones cost one more call. */
  private static final int FIRST_BUFFER = 256;

  private static final int AT_SYMLINK_NOFOLLOW = 0x100;
  private static final int OBJECT = OpenFlags.O_PATH | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC;
  /** Each thread's native buffer for the *xattrat calls' values (struct xattr_args holds a pointer). */
  private static final ThreadLocal<Memory> BUFFER = ThreadLocal.withInitial(() -> new Memory(FIRST_BUFFER));

  /**
   * Whether the *xattrat calls (6.13+) can be used: a kernel that has them answers a lookup from
   * fd -1 with {@code EBADF}; a kernel without them says {@code ENOSYS}, and a seccomp filter
   * that does not know them (a container profile, say) answers before any argument is looked
   * at, with whatever errno it was written with ({@code EPERM} in many). Asked once, and not at
   * all when {@link KernelFallback#XATTRAT} forces the older path.
   */
  private static final boolean XATTR_AT = !KernelFallback.XATTRAT.forced() && probeXattrAt();

  private Xattrs() {}

  /** Whether the {@code *xattrat} calls serve {@link #getAtOrNull} and friends (else an {@code O_PATH} open each). */
  public static boolean usesXattrAt() {
    return XATTR_AT;
  }

  private static boolean probeXattrAt() {
    long[] args = {0, 0};
    long r = LibC.syscall(LibC.SYS_GETXATTRAT, -1, new byte[] {'x', 0}, 0, "user.x\0".getBytes(US_ASCII), args, 16);
    return r == -1 && Native.getLastError() == ErrnoException.EBADF;
  }

  /**
   * Attribute {@code attr} of {@code name} in directory {@code dir} (a symlink there is not
   * followed; {@code .} names {@code dir} itself); null when there is none ({@code ENODATA}).
   * One {@code getxattrat} call (Linux 6.13) where the kernel has it, instead of opening the
   * object and going through {@code /proc/self/fd}.
   */
  public static byte[] getAtOrNull(Fd dir, byte[] name, byte[] attr) throws ErrnoException {
    if (XATTR_AT) {
      int d = dir.number();
      byte[] path = cString("getxattrat", name);
      byte[] a = cString("getxattrat", attr);
      Memory buf = BUFFER.get();
      long[] args = {Pointer.nativeValue(buf), xattrArgs(buf.size(), 0)};
      long r;
      do {
        r = LibC.syscall(LibC.SYS_GETXATTRAT, d, path, AT_SYMLINK_NOFOLLOW, a, args, 16);
      } while (interrupted(r));
      if (r >= 0) {
        return buf.getByteArray(0, (int) r);
      }
      int errno = Native.getLastError();
      if (errno == ErrnoException.ENODATA) {
        return null;
      }
      if (errno != ErrnoException.ERANGE) { // a bigger value: the path below sizes its buffer
        throw Syscall.failure("getxattrat", name, attr);
      }
    }
    try (Fd object = Open.openat(dir, name, OBJECT, 0)) {
      return getOrNull(object, attr);
    }
  }

  /** Like {@link #getAtOrNull}, but {@code ENODATA} when there is no such attribute. */
  public static byte[] getAt(Fd dir, byte[] name, byte[] attr) throws ErrnoException {
    byte[] value = getAtOrNull(dir, name, attr);
    if (value == null) {
      throw new ErrnoException(ErrnoException.ENODATA, "getxattrat", name, attr);
    }
    return value;
  }

  /** Sets attribute {@code attr} of {@code name} in {@code dir} ({@code setxattrat}, else as {@link #set}). */
  public static void setAt(Fd dir, byte[] name, byte[] attr, byte[] value, int flags) throws ErrnoException {
    if (XATTR_AT) {
      int d = dir.number();
      byte[] path = cString("setxattrat", name);
      byte[] a = cString("setxattrat", attr);
      Memory buf = BUFFER.get();
      if (buf.size() < value.length) {
        buf = new Memory(value.length);
        BUFFER.set(buf);
      }
      buf.write(0, value, 0, value.length);
      long[] args = {Pointer.nativeValue(buf), xattrArgs(value.length, flags)};
      long r;
      do {
        r = LibC.syscall(LibC.SYS_SETXATTRAT, d, path, AT_SYMLINK_NOFOLLOW, a, args, 16);
      } while (interrupted(r));
      if (r == 0) {
        return;
      }
      throw Syscall.failure("setxattrat", name, attr);
    }
    try (Fd object = Open.openat(dir, name, OBJECT, 0)) {
      set(object, attr, value, flags);
    }
  }

  /** Removes attribute {@code attr} of {@code name} in {@code dir} if it has it. */
  public static void removeAtIfPresent(Fd dir, byte[] name, byte[] attr) throws ErrnoException {
    if (XATTR_AT) {
      int d = dir.number();
      byte[] path = cString("removexattrat", name);
      byte[] a = cString("removexattrat", attr);
      long r;
      do {
        r = LibC.syscall(LibC.SYS_REMOVEXATTRAT, d, path, AT_SYMLINK_NOFOLLOW, a);
      } while (interrupted(r));
      if (r == 0) {
        return;
      }
      int errno = Native.getLastError();
      if (errno == ErrnoException.ENODATA) {
        return;
      }
      throw Syscall.failure("removexattrat", name, attr);
    }
    try (Fd object = Open.openat(dir, name, OBJECT, 0)) {
      removeIfPresent(object, attr);
    }
  }

  /** The second word of {@code struct xattr_args}: {@code u32 size, u32 flags} (little-endian ABIs; see {@link Arch}). */
  private static long xattrArgs(long size, int flags) {
    return (size & 0xffff_ffffL) | ((long) flags << 32);
  }

  /** The value of attribute {@code name}; {@code ENODATA} if there is none. */
  public static byte[] get(Fd fd, byte[] name) throws ErrnoException {
    int n = fd.number();
    byte[] proc = fd.pathOnly() ? procPath(n) : null;
    String call = proc == null ? "fgetxattr" : "getxattr";
    byte[] c = cString(call, name);
    byte[] buf = new byte[FIRST_BUFFER];
    while (true) {
      long r;
      do {
        r = proc == null ? LibC.fgetxattr(n, c, buf, buf.length) : LibC.getxattr(proc, c, buf, buf.length);
      } while (interrupted(r));
      if (r >= 0) {
        return Arrays.copyOf(buf, (int) r);
      }
      if (Native.getLastError() != ErrnoException.ERANGE) {
        throw Syscall.failure(call, name);
      }
      do {
        r = proc == null ? LibC.fgetxattr(n, c, null, 0) : LibC.getxattr(proc, c, null, 0);
      } while (interrupted(r));
      if (r == -1) {
        throw Syscall.failure(call, name);
      }
      buf = new byte[(int) Math.max(r, 1)]; // the value may change again before the next call
    }
  }

  /** Like {@link #get}, but null when the file has no such attribute (ENODATA). */
  public static byte[] getOrNull(Fd fd, byte[] name) throws ErrnoException {
    try {
      return get(fd, name);
    } catch (ErrnoException e) {
      if (e.errno() == ErrnoException.ENODATA) {
        return null;
      }
      throw e;
    }
  }

  /**
   * Sets attribute {@code name} to {@code value}.
   *
   * @param flags 0, {@link #XATTR_CREATE} or {@link #XATTR_REPLACE}
   */
  public static void set(Fd fd, byte[] name, byte[] value, int flags) throws ErrnoException {
    int n = fd.number();
    byte[] proc = fd.pathOnly() ? procPath(n) : null;
    String call = proc == null ? "fsetxattr" : "setxattr";
    byte[] c = cString(call, name);
    int r;
    do {
      r = proc == null ? LibC.fsetxattr(n, c, value, value.length, flags) : LibC.setxattr(proc, c, value, value.length, flags);
    } while (interrupted(r));
    if (r == -1) {
      throw Syscall.failure(call, name);
    }
  }

  /** The names of all attributes the caller may see, in the file system's order. */
  public static List<byte[]> list(Fd fd) throws ErrnoException {
    int n = fd.number();
    byte[] proc = fd.pathOnly() ? procPath(n) : null;
    String call = proc == null ? "flistxattr(fd " + n + ")" : "listxattr(fd " + n + ")";
    byte[] buf = new byte[FIRST_BUFFER];
    while (true) {
      long r;
      do {
        r = proc == null ? LibC.flistxattr(n, buf, buf.length) : LibC.listxattr(proc, buf, buf.length);
      } while (interrupted(r));
      if (r >= 0) {
        return split(buf, (int) r);
      }
      if (Native.getLastError() != ErrnoException.ERANGE) {
        throw Syscall.failure(call);
      }
      do {
        r = proc == null ? LibC.flistxattr(n, null, 0) : LibC.listxattr(proc, null, 0);
      } while (interrupted(r));
      if (r == -1) {
        throw Syscall.failure(call);
      }
      buf = new byte[(int) Math.max(r, 1)];
    }
  }

  /** The attribute names as the kernel lists them: each followed by a NUL byte. */
  public static byte[] listRaw(Fd fd) throws ErrnoException {
    List<byte[]> names = list(fd);
    int size = 0;
    for (byte[] n : names) {
      size += n.length + 1;
    }
    byte[] raw = new byte[size];
    int at = 0;
    for (byte[] n : names) {
      System.arraycopy(n, 0, raw, at, n.length);
      at += n.length + 1;
    }
    return raw;
  }

  /** Removes attribute {@code name} if the file has it. */
  public static void removeIfPresent(Fd fd, byte[] name) throws ErrnoException {
    try {
      remove(fd, name);
    } catch (ErrnoException e) {
      if (e.errno() != ErrnoException.ENODATA) {
        throw e;
      }
    }
  }

  /** Removes attribute {@code name}; {@code ENODATA} if there is none. */
  public static void remove(Fd fd, byte[] name) throws ErrnoException {
    int n = fd.number();
    byte[] proc = fd.pathOnly() ? procPath(n) : null;
    String call = proc == null ? "fremovexattr" : "removexattr";
    byte[] c = cString(call, name);
    int r;
    do {
      r = proc == null ? LibC.fremovexattr(n, c) : LibC.removexattr(proc, c);
    } while (interrupted(r));
    if (r == -1) {
      throw Syscall.failure(call, name);
    }
  }

  private static byte[] procPath(int fd) {
    return ("/proc/self/fd/" + fd + "\0").getBytes(US_ASCII);
  }

  /** The kernel's list: each name followed by a NUL. */
  private static List<byte[]> split(byte[] buf, int length) {
    List<byte[]> names = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < length; i++) {
      if (buf[i] == 0) {
        names.add(Arrays.copyOfRange(buf, start, i));
        start = i + 1;
      }
    }
    return names;
  }
}
