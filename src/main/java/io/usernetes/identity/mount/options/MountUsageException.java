package io.usernetes.identity.mount.options;

import java.util.Locale;

/**
 * A command line the mount program cannot act on.
 *
 * <p>The message is always exactly one line that says what is wrong, e.g. {@code missing
 * mountpoint} or {@code upperdir given without workdir}: podman shows the mount program's stderr
 * inside its own one-line error ({@code using mount program PATH: <stderr>: exit status N}), so a
 * stray newline from user input would break that line. Control characters in the message are
 * therefore escaped here, once, whatever the caller put in it.
 */
public final class MountUsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Longer user input is shortened in messages: a lowerdir with 500 layers is not a message. */
  private static final int MAX_QUOTED_CHARS = 120;

  public MountUsageException(String message) {
    super(oneLine(message));
  }

  /** User input as it appears in messages: in double quotes, shortened when very long. */
  static String quote(String text) {
    if (text.length() <= MAX_QUOTED_CHARS) {
      return '"' + text + '"';
    }
    int end = MAX_QUOTED_CHARS;
    if (Character.isHighSurrogate(text.charAt(end - 1))) {
      end--; // never cut a character in half
    }
    return '"' + text.substring(0, end) + "…\"";
  }

  private static String oneLine(String message) {
    StringBuilder out = new StringBuilder(message.length());
    for (int i = 0; i < message.length(); i++) {
      char c = message.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          // ISO controls plus NEL and the Unicode line/paragraph separators end lines too.
          if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
