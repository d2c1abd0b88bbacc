package io.usernetes.identity.kernel.notify;

import com.sun.jna.Native;
import io.usernetes.identity.kernel.ErrnoException;

/** How this package reads {@code errno}: {@code -1} results become {@link ErrnoException}s. */
final class Errors {
  private Errors() {}

  static boolean interrupted(long result) {
    return result == -1 && Native.getLastError() == ErrnoException.EINTR;
  }

  static ErrnoException failure(String call) {
    return new ErrnoException(Native.getLastError(), call);
  }
}
