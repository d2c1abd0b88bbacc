package io.usernetes.identity.kernel;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * How a file name, which is bytes and need not be UTF-8, is shown to people.
 *
 * <p>Quoted: in double quotes, printable ASCII as is, every other byte as {@code \xNN}, and
 * {@code "} and {@code \} escaped. The result is one line of ASCII that tells every distinct name
 * apart.
 *
 * <p>{@link #shown}: a name that is printable UTF-8 as it is, any other quoted. A name shown as it
 * is never starts with {@code "}, so the two forms cannot be taken for each other.
 */
public final class Printable {
  private Printable() {}

  /**
   * The name as it is when it is valid UTF-8 without control or format characters (which could
   * break a line or reorder what is shown) and does not start with {@code "}; else quoted.
   */
  public static String shown(byte[] name) {
    String text = printableUtf8(name);
    return text != null ? text : appendQuoted(new StringBuilder(), name).toString();
  }

  static StringBuilder appendQuoted(StringBuilder text, byte[] name) {
    text.append('"');
    for (byte b : name) {
      int c = b & 0xff;
      if (c == '"' || c == '\\') {
        text.append('\\').append((char) c);
      } else if (c >= 0x20 && c < 0x7f) {
        text.append((char) c);
      } else {
        text.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
      }
    }
    return text.append('"');
  }

  /** The decoded name, or null when it must be quoted. */
  private static String printableUtf8(byte[] name) {
    if (name.length > 0 && name[0] == '"') {
      return null;
    }
    String text;
    try {
      // A strict decoder: the JDK's String constructor would replace bad bytes with U+FFFD.
      CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(name));
      text = chars.toString();
    } catch (CharacterCodingException e) {
      return null;
    }
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      int type = Character.getType(c);
      if (Character.isISOControl(c) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR) {
        return null;
      }
      i += Character.charCount(c);
    }
    return text;
  }
}
