package io.usernetes.identity.kernel;

/**
 * What turns the mount program's JVM into a daemon once the mount is live: stdin, stdout and
 * stderr onto {@code /dev/null}, so the caller's pipes close and podman stops waiting. The JVM
 * cannot fork: the launcher started it in the background, in a session of its own (setsid).
 */
public final class Daemonize {
  private static final byte[] DEV_NULL = {'/', 'd', 'e', 'v', '/', 'n', 'u', 'l', 'l', 0};

  private Daemonize() {}

  /** Points descriptors 0, 1 and 2 at {@code /dev/null}. */
  public static void detachStdio() throws ErrnoException {
    int nul = LibC.open(DEV_NULL, OpenFlags.O_RDWR | OpenFlags.O_CLOEXEC, 0);
    if (nul == -1) {
      throw Syscall.failure("open(/dev/null)");
    }
    try {
      for (int fd = 0; fd <= 2; fd++) {
        if (LibC.dup2(nul, fd) == -1) {
          throw Syscall.failure("dup2(/dev/null, " + fd + ")");
        }
      }
    } finally {
      LibC.close(nul);
    }
  }

  /** Sets the file mode creation mask; the mount sets modes itself, so it uses 0. */
  public static int umask(int mask) {
    return LibC.umask(mask);
  }
}
