package io.usernetes.identity.mount.options;

import java.util.ArrayList;
import java.util.List;

/**
 * The quoting rules of the {@code -o} string, shared by every level that splits it: options at
 * {@code ,}, layer lists and mapping triples at {@code :}.
 *
 * <ul>
 *   <li>A backslash makes the next character literal: {@code \,} {@code \:} {@code \"} {@code
 *       \\}. These are the kernel overlay's escapes, which fuse-overlayfs also accepts in lowerdir.
 *   <li>A double-quoted stretch is literal, so containers-storage's {@code
 *       context="system_u:object_r:container_file_t:s0:c1,c2"} stays one option with one value.
 *   <li>A separator counts only outside quotes and when not escaped.
 * </ul>
 *
 * <p>Splitting happens in two stages: the option list is split <em>raw</em> (quotes and
 * backslashes kept, so the value can still be split at its own separators), then each value is
 * split and <em>decoded</em> (quotes removed, escapes resolved). Both stages apply the same rules,
 * so a separator protected at one stage is protected at the other.
 */
final class QuotedText {
  private static final int NO_SEPARATOR = -1;

  private QuotedText() {}

  /** Splits {@code text} at unprotected separators; pieces keep their quotes and backslashes. */
  static List<String> splitRaw(String text, char separator, String what) {
    return scan(text, separator, false, what);
  }

  /** Splits {@code text} at unprotected separators and decodes each piece. */
  static List<String> splitDecoded(String text, char separator, String what) {
    return scan(text, separator, true, what);
  }

  /** Decodes a whole value: quotes removed, escapes resolved, no splitting. */
  static String decode(String text, String what) {
    return scan(text, NO_SEPARATOR, true, what).get(0);
  }

  /**
   * Protects every backslash, double quote and character of {@code specials} with a backslash,
   * so that {@link #decode} (or a split at any of {@code specials}) gives {@code text} back.
   */
  static String escape(String text, String specials) {
    StringBuilder out = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' || c == '"' || specials.indexOf(c) >= 0) {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }

  /**
   * @param what names the text in error messages, e.g. {@code option "lowerdir"}
   * @throws MountUsageException for an unterminated quote or a backslash at the very end
   */
  private static List<String> scan(String text, int separator, boolean decode, String what) {
    List<String> pieces = new ArrayList<>();
    StringBuilder piece = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        if (i + 1 == text.length()) {
          throw new MountUsageException(what + ": a backslash at the end escapes nothing");
        }
        if (!decode) {
          piece.append(c);
        }
        piece.append(text.charAt(++i));
      } else if (c == '"') {
        quoted = !quoted;
        if (!decode) {
          piece.append(c);
        }
      } else if (c == separator && !quoted) {
        pieces.add(piece.toString());
        piece.setLength(0);
      } else {
        piece.append(c);
      }
    }
    if (quoted) {
      throw new MountUsageException(what + ": a double quote is not closed");
    }
    pieces.add(piece.toString());
    return pieces;
  }
}
