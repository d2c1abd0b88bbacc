package io.usernetes.identity.kernel;

import static io.usernetes.identity.kernel.OpenFlags.O_CLOEXEC;
import static io.usernetes.identity.kernel.OpenFlags.O_CREAT;
import static io.usernetes.identity.kernel.OpenFlags.O_DIRECTORY;
import static io.usernetes.identity.kernel.OpenFlags.O_NOFOLLOW;
import static io.usernetes.identity.kernel.OpenFlags.O_PATH;
import static io.usernetes.identity.kernel.OpenFlags.O_RDONLY;
import static io.usernetes.identity.kernel.Syscall.cString;
import static io.usernetes.identity.kernel.Syscall.interrupted;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Opening files. Every open here adds {@code O_CLOEXEC} (the daemon must not leak layer
 * descriptors into anything it starts) and, except {@link #directory}, {@code O_NOFOLLOW}: a
 * symlink as the last component is opened itself with {@code O_PATH}, and refused with
 * {@code ELOOP} otherwise.
 */
public final class Open {
  private static final long RESOLVE_NO_MAGICLINKS = 0x02;
  private static final long RESOLVE_NO_SYMLINKS = 0x04;
  private static final long RESOLVE_BENEATH = 0x08;
  /** {@code struct open_how}: {@code u64 flags, mode, resolve}. */
  private static final long OPEN_HOW_SIZE = 24;
  /** {@code __O_TMPFILE}: with it, like {@code O_CREAT}, {@code openat2} takes a mode. */
  private static final int O_TMPFILE_BIT = 020000000;
  private static final byte[] DOT = {'.'};
  /** The longest path the kernel takes, with its NUL. */
  static final int PATH_MAX = 4096;

  /** Set once {@code openat2} answered {@code ENOSYS} (kernel before 5.6, or a seccomp filter). */
  private static volatile boolean noOpenat2;

  private Open() {}

  /**
   * {@code openat(2)} of {@code name} relative to {@code dir}. Only the last component is
   * protected from symlinks; use {@link #beneath} for a path of several components.
   *
   * @param flags {@link OpenFlags}; {@code O_NOFOLLOW | O_CLOEXEC} are added
   * @param mode the permissions of a file created by {@code O_CREAT}, before the umask
   */
  public static Fd openat(Fd dir, byte[] name, int flags, int mode) throws ErrnoException {
    return openat("openat", dir.number(), name, name, flags | O_NOFOLLOW, mode);
  }

  /**
   * Opens a directory by an absolute (or working-directory-relative) path, following symlinks
   * everywhere: for the layer directories of a mount, which containers-storage names through
   * symlinks ({@code overlay/l/ID}).
   */
  public static Fd directory(byte[] path) throws ErrnoException {
    return openat("open", LibC.AT_FDCWD, path, path, O_RDONLY | O_DIRECTORY, 0);
  }

  /**
   * Like {@link #directory}, but with {@code O_PATH}: the descriptor only names the directory, so
   * searching it is enough, as for {@code stat(2)} of a name in it; listing it still needs read
   * permission (see {@link Entries#list}).
   */
  public static Fd directoryPath(byte[] path) throws ErrnoException {
    return openat("open", LibC.AT_FDCWD, path, path, O_PATH | O_DIRECTORY, 0);
  }

  /**
   * Opens a {@code /proc} magic link below {@code dir} (a {@code /proc/TID} handle), such as
   * {@code ns/user}, <em>following</em> it to the kernel object it stands for — the one case where
   * following is the point: {@link #openat} would give {@code ELOOP}, and {@code O_PATH} without
   * following would hold the link, not the namespace. Such links lead to no path anyone controls.
   */
  public static Fd procLink(Fd dir, byte[] name, int flags) throws ErrnoException {
    return openat("openat", dir.number(), name, name, flags, 0);
  }

  /**
   * Opens the file an {@code O_PATH} descriptor names, for reading or writing, through its {@code
   * /proc/self/fd/N} link: that very inode, whatever has been put at its name since. The link is
   * followed on purpose (so {@code O_NOFOLLOW} is not added); it leads nowhere else. Lets a caller
   * look at an untrusted name with {@code O_PATH}, which opens nothing (no driver is called, no
   * FIFO blocks), and open it only once {@code statx} says what it is.
   *
   * @param flags {@link OpenFlags}; {@code O_CLOEXEC} is added
   */
  public static Fd reopen(Fd path, int flags) throws ErrnoException {
    byte[] link = ("/proc/self/fd/" + path.number()).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    return openat("open", LibC.AT_FDCWD, link, link, flags, 0);
  }

  /**
   * Opens a relative path without following any symlink and without leaving {@code dir}: with
   * {@code openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS)}, or, where
   * the kernel has no {@code openat2}, by opening one component at a time with
   * {@code O_PATH | O_NOFOLLOW | O_DIRECTORY}. Both give the same answers:
   * <ul>
   *   <li>a symlink in the middle of the path: {@code ELOOP};
   *   <li>a symlink at the end: opened itself with {@code O_PATH}, else {@code ELOOP};
   *   <li>an absolute path or any {@code ..} component: {@code EXDEV}. ({@code openat2} would
   *       allow a {@code ..} that stays beneath; the walk cannot check that cheaply, and the
   *       overlay's paths, which come from FUSE, never contain {@code ..}.)
   * </ul>
   *
   * A path longer than the kernel takes in one call ({@value #PATH_MAX} bytes with its NUL) is
   * resolved a piece at a time, each piece a run of whole components beneath the directory the
   * one before it opened: the overlay works by directory, as the kernel overlay does, so a tree
   * may be deeper than any single path.
   *
   * @param flags {@link OpenFlags}; {@code O_NOFOLLOW | O_CLOEXEC} are added
   */
  public static Fd beneath(Fd dir, byte[] path, int flags, int mode) throws ErrnoException {
    if (path.length >= PATH_MAX) {
      return beneathInPieces(dir, path, flags, mode);
    }
    if (!noOpenat2) {
      try {
        return beneathWithOpenat2(dir, path, flags, mode);
      } catch (ErrnoException e) {
        if (e.errno() != ErrnoException.ENOSYS) {
          throw e;
        }
        noOpenat2 = true;
      }
    }
    return beneathByWalking(dir, path, flags, mode);
  }

  static Fd beneathWithOpenat2(Fd dir, byte[] path, int flags, int mode) throws ErrnoException {
    requireBeneath("openat2", path);
    int d = dir.number();
    byte[] c = cString("openat2", path);
    int all = flags | O_NOFOLLOW | O_CLOEXEC;
    boolean creates = (all & (O_CREAT | O_TMPFILE_BIT)) != 0;
    long[] how = {Integer.toUnsignedLong(all), creates ? mode : 0, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
    long fd;
    do {
      fd = LibC.syscall(LibC.SYS_OPENAT2, d, c, how, OPEN_HOW_SIZE);
    } while (interrupted(fd));
    if (fd == -1) {
      throw Syscall.failure("openat2", path);
    }
    return new Fd((int) fd, all);
  }

  /** {@link #beneath} of a path of {@value #PATH_MAX} bytes or more: directories piece by piece. */
  private static Fd beneathInPieces(Fd dir, byte[] path, int flags, int mode) throws ErrnoException {
    requireBeneath("openat2", path);
    Fd current = dir;
    int start = 0;
    try {
      while (path.length - start >= PATH_MAX) {
        int end = lastSlashWithin(path, start, start + PATH_MAX - 1);
        if (end <= start) { // one component longer than any name
          throw new ErrnoException(ErrnoException.ENAMETOOLONG, "openat2", path);
        }
        Fd next = beneath(current, Arrays.copyOfRange(path, start, end), O_PATH | O_DIRECTORY, 0);
        if (current != dir) {
          current.close();
        }
        current = next;
        start = end + 1;
      }
      return beneath(current, Arrays.copyOfRange(path, start, path.length), flags, mode);
    } finally {
      if (current != dir) {
        current.close();
      }
    }
  }

  /** The last {@code /} in {@code path[from, to)}, or -1. */
  private static int lastSlashWithin(byte[] path, int from, int to) {
    for (int i = Math.min(to, path.length) - 1; i >= from; i--) {
      if (path[i] == '/') {
        return i;
      }
    }
    return -1;
  }

  /** The fallback of {@link #beneath}, package-private so tests run it on a kernel with openat2. */
  static Fd beneathByWalking(Fd dir, byte[] path, int flags, int mode) throws ErrnoException {
    requireBeneath("openat", path);
    List<byte[]> components = components(path);
    int last = components.size() - 1;
    int finalFlags = flags | O_NOFOLLOW | (path[path.length - 1] == '/' ? O_DIRECTORY : 0);
    Fd current = dir;
    try {
      for (int i = 0; i < last; i++) {
        Fd next = intermediate(current, components.get(i), path);
        if (current != dir) {
          current.close();
        }
        current = next;
      }
      return openat("openat", current.number(), components.get(last), path, finalFlags, mode);
    } finally {
      if (current != dir) {
        current.close();
      }
    }
  }

  private static Fd intermediate(Fd dir, byte[] component, byte[] path) throws ErrnoException {
    try {
      return openat("openat", dir.number(), component, path, O_PATH | O_DIRECTORY | O_NOFOLLOW, 0);
    } catch (ErrnoException e) {
      // O_PATH | O_NOFOLLOW opens a symlink itself, which O_DIRECTORY then refuses: say ELOOP,
      // as openat2 does, rather than ENOTDIR.
      if (e.errno() == ErrnoException.ENOTDIR && Attributes.statx(dir, component).type() == Stat.S_IFLNK) {
        throw new ErrnoException(ErrnoException.ELOOP, "openat", path);
      }
      throw e;
    }
  }

  /** The components of a relative path, without empty and {@code .} ones ({@code .} if none). */
  private static List<byte[]> components(byte[] path) throws ErrnoException {
    if (path.length == 0) {
      throw new ErrnoException(ErrnoException.ENOENT, "openat", path);
    }
    List<byte[]> components = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= path.length; i++) {
      if (i == path.length || path[i] == '/') {
        if (i > start && !(i - start == 1 && path[start] == '.')) {
          components.add(Arrays.copyOfRange(path, start, i));
        }
        start = i + 1;
      }
    }
    if (components.isEmpty()) {
      components.add(DOT);
    }
    return components;
  }

  private static void requireBeneath(String call, byte[] path) throws ErrnoException {
    if (path.length > 0 && path[0] == '/') {
      throw new ErrnoException(ErrnoException.EXDEV, call, path);
    }
    int start = 0;
    for (int i = 0; i <= path.length; i++) {
      if (i == path.length || path[i] == '/') {
        if (i - start == 2 && path[start] == '.' && path[start + 1] == '.') {
          throw new ErrnoException(ErrnoException.EXDEV, call, path);
        }
        start = i + 1;
      }
    }
  }

  private static Fd openat(String call, int dirfd, byte[] name, byte[] shown, int flags, int mode)
      throws ErrnoException {
    byte[] c = cString(call, name);
    int all = flags | O_CLOEXEC;
    int fd;
    do {
      fd = LibC.openat(dirfd, c, all, mode);
    } while (interrupted(fd));
    if (fd == -1) {
      throw Syscall.failure(call, shown);
    }
    return new Fd(fd, all);
  }
}
