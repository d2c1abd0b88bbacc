package io.usernetes.identity.kernel.notify;

import io.usernetes.identity.kernel.ErrnoException;

/**
 * {@code kill(2)}: {@code identity-supervisor run} forwards the signals it receives to the command it
 * runs, which the JDK can do only for SIGTERM and SIGKILL.
 */
public final class Signals {
  private Signals() {}

  public static void send(long pid, int signal) throws ErrnoException {
    if (pid <= 0 || pid > Integer.MAX_VALUE) {
      throw new ErrnoException(ErrnoException.EINVAL, "kill(" + pid + ")");
    }
    if (NotifyLib.kill((int) pid, signal) == -1) {
      throw Errors.failure("kill(" + pid + ", " + signal + ")");
    }
  }
}
