package io.usernetes.identity.ownership;

import io.usernetes.identity.kernel.ErrnoException;
import java.util.Locale;

/** An entry a walk could not read, and why, e.g. {@code permission denied}. */
public record Unreadable(byte[] path, String reason) {

  /** The kernel's reason, in the lower case of the JDK's messages these reports used to show. */
  public static Unreadable of(byte[] path, ErrnoException e) {
    String description = ErrnoException.describe(e.errno());
    return new Unreadable(path, description.isEmpty() ? description
        : description.substring(0, 1).toLowerCase(Locale.ROOT) + description.substring(1));
  }
}
