package io.usernetes.identity.kernel;

/**
 * How a file name, which is bytes and need not be UTF-8, is shown to people: in double quotes,
 * printable ASCII as is, every other byte as {@code \xNN}, and {@code "} and {@code \} escaped.
 * The result is one line of ASCII that tells every distinct name apart.
 */
final class Printable {
  private Printable() {}

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
}
