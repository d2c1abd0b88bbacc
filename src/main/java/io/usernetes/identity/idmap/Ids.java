package io.usernetes.identity.idmap;

import java.util.OptionalLong;

/** Strict decimal ids: what Linux accepts as a uid or gid, written the one way it is written. */
public final class Ids {
  /** The largest valid id; 4294967295 is {@code (uid_t) -1}, which means "no id" to the kernel. */
  public static final long MAX_ID = 0xFFFF_FFFEL;

  private Ids() {}

  /**
   * Parses a decimal id: digits only, no sign, spaces or leading zeros, at most {@link #MAX_ID}.
   * Returns empty for anything else, so callers decide how to report it.
   */
  public static OptionalLong parse(CharSequence text) {
    int n = text.length();
    if (n == 0 || n > 10 || (n > 1 && text.charAt(0) == '0')) {
      return OptionalLong.empty();
    }
    long value = 0;
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return OptionalLong.empty();
      }
      value = value * 10 + (c - '0');
    }
    return value <= MAX_ID ? OptionalLong.of(value) : OptionalLong.empty();
  }

  /** Like {@link #parse} but throws an {@link IllegalArgumentException} naming {@code what}. */
  public static long parseOrThrow(String text, String what) {
    OptionalLong id = parse(text);
    if (id.isEmpty()) {
      throw new IllegalArgumentException(
          what + " \"" + text + "\" is not an id (a decimal number from 0 to " + MAX_ID + ")");
    }
    return id.getAsLong();
  }
}
