package io.usernetes.identity.kernel;

import com.sun.jna.Native;

/**
 * How this package calls the C library: names become NUL-terminated copies, a result of
 * {@code -1} means {@code errno} is set, and {@code EINTR} is retried by the caller's loop.
 *
 * <p>Every call site spells out its own retry loop ({@code do … while (interrupted(r))}) rather
 * than passing a lambda: a capturing lambda would allocate on every call.
 */
final class Syscall {
  private Syscall() {}

  /** Copies {@code name} with a terminating NUL; a NUL inside it would silently cut the name. */
  static byte[] cString(String call, byte[] name) throws ErrnoException {
    byte[] c = new byte[name.length + 1];
    for (int i = 0; i < name.length; i++) {
      if (name[i] == 0) {
        throw new ErrnoException(ErrnoException.EINVAL, call, name);
      }
      c[i] = name[i];
    }
    return c;
  }

  /** Whether a call returned {@code -1} because a signal interrupted it (so it can be retried). */
  static boolean interrupted(long result) {
    return result == -1 && Native.getLastError() == ErrnoException.EINTR;
  }

  /** The exception for the {@code errno} the last call on this thread left. */
  static ErrnoException failure(String call, byte[]... names) {
    return new ErrnoException(Native.getLastError(), call, names);
  }
}
