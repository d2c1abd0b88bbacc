package io.usernetes.identity.kernel.notify;

import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Fd;
import java.nio.charset.StandardCharsets;

/**
 * A listening {@code AF_UNIX} stream socket bound to a path: where OCI runtimes deliver
 * listener fds ({@code listenerPath}).
 *
 * <p>The JDK's own Unix-domain channels cannot receive {@code SCM_RIGHTS}, hence this binding.
 * The socket file is made mode 0600 before {@code bind} ({@code fchmod} on the unbound socket,
 * which Linux applies to the inode bind creates) and again after, so there is no window in which
 * another user could connect; {@link UnixConnection#peer} is checked anyway.
 */
public final class UnixServerSocket implements AutoCloseable {
  static final int AF_UNIX = 1;
  static final int SOCK_STREAM = 1;
  static final int SOCK_CLOEXEC = 0x80000;
  /** {@code sizeof(sun_path)}; the path must fit with its NUL. */
  static final int SUN_PATH = 108;

  private final Fd fd;
  private final byte[] path;

  private UnixServerSocket(Fd fd, byte[] path) {
    this.fd = fd;
    this.path = path;
  }

  /**
   * Binds and listens. The path must not exist (callers remove a stale socket first).
   *
   * @param mode the permissions of the socket file, e.g. {@code 0600}
   */
  public static UnixServerSocket listen(String path, int mode) throws ErrnoException {
    byte[] name = path.getBytes(StandardCharsets.UTF_8);
    if (name.length == 0 || name.length >= SUN_PATH || path.indexOf('\0') >= 0) {
      throw new ErrnoException(ErrnoException.ENAMETOOLONG, "bind", name);
    }
    int s = NotifyLib.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s == -1) {
      throw Errors.failure("socket(AF_UNIX)");
    }
    Fd fd = Fd.adopt(s);
    try {
      if (NotifyLib.fchmod(s, mode) == -1) {
        throw Errors.failure("fchmod(socket)");
      }
      byte[] address = new byte[2 + SUN_PATH];
      address[0] = AF_UNIX; // sun_family, little-endian u16
      System.arraycopy(name, 0, address, 2, name.length);
      if (NotifyLib.bind(s, address, 2 + name.length + 1) == -1) {
        throw new ErrnoException(com.sun.jna.Native.getLastError(), "bind", name);
      }
      byte[] cPath = java.util.Arrays.copyOf(name, name.length + 1);
      if (NotifyLib.chmod(cPath, mode) == -1) {
        ErrnoException e = new ErrnoException(com.sun.jna.Native.getLastError(), "chmod", name);
        NotifyLib.unlink(cPath);
        throw e;
      }
      if (NotifyLib.listen(s, 128) == -1) {
        ErrnoException e = Errors.failure("listen");
        NotifyLib.unlink(cPath);
        throw e;
      }
      return new UnixServerSocket(fd, cPath);
    } catch (ErrnoException e) {
      fd.close();
      throw e;
    }
  }

  /** Waits for the next connection ({@code accept4} with {@code SOCK_CLOEXEC}; EINTR retried). */
  public UnixConnection accept() throws ErrnoException {
    int n = fd.number();
    int c;
    do {
      c = NotifyLib.accept4(n, null, null, SOCK_CLOEXEC);
    } while (Errors.interrupted(c));
    if (c == -1) {
      throw Errors.failure("accept4");
    }
    return new UnixConnection(Fd.adopt(c));
  }

  /**
   * Closes the socket and removes its file. {@code shutdown} first: on Linux that wakes a thread
   * blocked in {@link #accept} (a plain {@code close} would not), which then fails with EINVAL.
   */
  @Override
  public void close() throws ErrnoException {
    NotifyLib.unlink(path);
    NotifyLib.shutdown(fd.number(), 2 /* SHUT_RDWR */);
    fd.close();
  }
}
