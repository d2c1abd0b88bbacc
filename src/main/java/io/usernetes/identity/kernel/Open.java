package io.usernetes.identity.kernel;

import static io.usernetes.identity.kernel.OpenFlags.O_CLOEXEC;
import static io.usernetes.identity.kernel.OpenFlags.O_DIRECTORY;
import static io.usernetes.identity.kernel.OpenFlags.O_NOFOLLOW;
import static io.usernetes.identity.kernel.OpenFlags.O_RDONLY;
import static io.usernetes.identity.kernel.Syscall.cString;
import static io.usernetes.identity.kernel.Syscall.interrupted;

/**
 * Opening files. Every open here adds {@code O_CLOEXEC} (the daemon must not leak layer
 * descriptors into anything it starts) and, except {@link #directory}, {@code O_NOFOLLOW}: a
 * symlink as the last component is opened itself with {@code O_PATH}, and refused with
 * {@code ELOOP} otherwise.
 */
public final class Open {
  private Open() {}

  /**
   * {@code openat(2)} of {@code name} relative to {@code dir}. Only the last component is
   * protected from symlinks; use {@link #beneath} for a path of several components.
   *
   * @param flags {@link OpenFlags}; {@code O_NOFOLLOW | O_CLOEXEC} are added
   * @param mode the permissions of a file created by {@code O_CREAT}, before the umask
   */
  public static Fd openat(Fd dir, byte[] name, int flags, int mode) throws ErrnoException {
    return openat("openat", dir.number(), name, flags | O_NOFOLLOW, mode);
  }

  /**
   * Opens a directory by an absolute (or working-directory-relative) path, following symlinks
   * everywhere: for the layer directories of a mount, which containers-storage names through
   * symlinks ({@code overlay/l/ID}).
   */
  public static Fd directory(byte[] path) throws ErrnoException {
    return openat("open", LibC.AT_FDCWD, path, O_RDONLY | O_DIRECTORY, 0);
  }

  private static Fd openat(String call, int dirfd, byte[] name, int flags, int mode) throws ErrnoException {
    byte[] path = cString(call, name);
    int all = flags | O_CLOEXEC;
    int fd;
    do {
      fd = LibC.openat(dirfd, path, all, mode);
    } while (interrupted(fd));
    if (fd == -1) {
      throw Syscall.failure(call, name);
    }
    return new Fd(fd, all);
  }
}
