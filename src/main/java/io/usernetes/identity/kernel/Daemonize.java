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
    detachStdio(java.util.Optional.empty());
  }

  /**
   * Points descriptors 0 and 1 at {@code /dev/null} and 2 at {@code stderrFile} (appending; a
   * native library's messages then land in the daemon's log), or at {@code /dev/null} too.
   */
  public static void detachStdio(java.util.Optional<byte[]> stderrFile) throws ErrnoException {
    int nul = LibC.open(DEV_NULL, OpenFlags.O_RDWR | OpenFlags.O_CLOEXEC, 0);
    if (nul == -1) {
      throw Syscall.failure("open(/dev/null)");
    }
    int err = nul;
    try {
      if (stderrFile.isPresent()) {
        int log = LibC.open(Syscall.cString("open", stderrFile.get()),
            OpenFlags.O_WRONLY | OpenFlags.O_APPEND | OpenFlags.O_CLOEXEC, 0);
        err = log == -1 ? nul : log;
      }
      for (int fd = 0; fd <= 2; fd++) {
        if (LibC.dup2(fd == 2 ? err : nul, fd) == -1) {
          throw Syscall.failure("dup2(" + (fd == 2 && err != nul ? "log" : "/dev/null") + ", " + fd + ")");
        }
      }
    } finally {
      LibC.close(nul);
      if (err != nul) {
        LibC.close(err);
      }
    }
  }

  /** Sets the file mode creation mask; the mount sets modes itself, so it uses 0. */
  public static int umask(int mask) {
    return LibC.umask(mask);
  }
}
