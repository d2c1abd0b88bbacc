package io.usernetes.identity.kernel.notify;

import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Fd;
import java.nio.charset.StandardCharsets;

/**
 * A listening {@code AF_UNIX} stream socket bound to a path: where OCI runtimes deliver
 * listener fds ({@code listenerPath}).
 *
 * <p>The JDK's own Unix-domain channels cannot receive {@code SCM_RIGHTS}, hence this binding.
 * The socket file gets its mode from {@code bind} itself, which creates it, so there is no window
 * in which another user could connect; {@link UnixConnection#peer} is checked anyway.
 */
public final class UnixServerSocket implements AutoCloseable {
  static final int AF_UNIX = 1;
  static final int SOCK_STREAM = 1;
  static final int SOCK_CLOEXEC = 0x80000;
  static final int SOCK_NONBLOCK = 0x800;
  static final int ECONNREFUSED = 111;
  static final int EAGAIN = 11;
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
    byte[] name = name(path, "bind");
    int s = NotifyLib.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s == -1) {
      throw Errors.failure("socket(AF_UNIX)");
    }
    Fd fd = Fd.adopt(s);
    try {
      byte[] address = address(name);
      // bind creates the file with 0777 & ~umask, so a umask set just around it gives the file
      // exactly mode, as it is made. Not a chmod by path after bind: that follows a symlink
      // swapped in at the path meanwhile. (An fchmod of the unbound socket also reaches the file
      // on Linux, but as an undocumented detail, and still under the umask.) The umask is the
      // process's: a file another thread creates in this window gets a stricter mode, not a wider.
      int previous = NotifyLib.umask(~mode & 0777);
      int bound = NotifyLib.bind(s, address, address.length);
      int errno = com.sun.jna.Native.getLastError();
      NotifyLib.umask(previous);
      if (bound == -1) {
        throw new ErrnoException(errno, "bind", name);
      }
      byte[] cPath = java.util.Arrays.copyOf(name, name.length + 1);
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

  /**
   * Binds and listens at {@code path} (mode {@code mode}), replacing a stale socket file there (a
   * {@code connect} to it is refused: its server is gone). A socket something answers on is an
   * error, so that a second daemon cannot silently take over from a live one, and so is anything
   * else at the path, or a missing directory. (Two daemons started at the same instant can both
   * find the same stale file; nothing here tells them apart.)
   *
   * @param program what serves there, for the message: "another identity-supervisor?"
   */
  public static UnixServerSocket listenReplacingStale(java.nio.file.Path path, int mode, String program)
      throws java.io.IOException {
    java.nio.file.LinkOption noFollow = java.nio.file.LinkOption.NOFOLLOW_LINKS;
    if (java.nio.file.Files.exists(path, noFollow)) {
      int type = (Integer) java.nio.file.Files.getAttribute(path, "unix:mode", noFollow) & 0170000;
      if (type != 0140000 /* S_IFSOCK */) {
        throw new java.io.IOException(path + " exists and is not a socket");
      }
      if (answers(path.toString())) {
        throw new java.io.IOException(path + ": something is serving there already (another " + program
            + "?); stop it or choose another --socket");
      }
      java.nio.file.Files.delete(path);
    }
    return listen(path.toString(), mode);
  }

  /**
   * Whether something listens on the socket at {@code path}: a {@code connect} that succeeds (or
   * finds the backlog full). False only for {@code ECONNREFUSED}, a socket file whose server is
   * gone; any other failure is thrown. The connection is closed at once, without a byte sent.
   */
  public static boolean answers(String path) throws ErrnoException {
    byte[] name = name(path, "connect");
    int s = NotifyLib.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (s == -1) {
      throw Errors.failure("socket(AF_UNIX)");
    }
    try (Fd fd = Fd.adopt(s)) {
      byte[] address = address(name);
      int r = NotifyLib.connect(s, address, address.length);
      int errno = r == -1 ? com.sun.jna.Native.getLastError() : 0;
      if (r == 0 || errno == EAGAIN) {
        return true;
      }
      if (errno == ECONNREFUSED) {
        return false;
      }
      throw new ErrnoException(errno, "connect", name);
    }
  }

  /** The path's bytes, if they fit {@code sun_path}. */
  private static byte[] name(String path, String call) throws ErrnoException {
    byte[] name = path.getBytes(StandardCharsets.UTF_8);
    if (name.length == 0 || name.length >= SUN_PATH || path.indexOf('\0') >= 0) {
      throw new ErrnoException(ErrnoException.ENAMETOOLONG, call, name);
    }
    return name;
  }

  /** A {@code struct sockaddr_un} for {@code name}, as long as its path and NUL need. */
  private static byte[] address(byte[] name) {
    byte[] address = new byte[2 + name.length + 1];
    address[0] = AF_UNIX; // sun_family, little-endian u16
    System.arraycopy(name, 0, address, 2, name.length);
    return address;
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
