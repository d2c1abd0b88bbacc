package io.usernetes.identity.cli;

import java.nio.charset.Charset;

/**
 * The bytes of a path given on the command line. The JDK decoded argv with the charset it uses for
 * file names ({@code sun.jnu.encoding}, from the locale); encoding with that charset gives back
 * the bytes wherever it could represent them. Where it could not, the name is lost before this
 * program runs: under a UTF-8 locale a byte that is not UTF-8 arrives as U+FFFD. Such a file is
 * still reported by {@code tree} on its directory, which reads names from the kernel.
 */
final class ArgumentBytes {
  private ArgumentBytes() {}

  static byte[] of(String argument) {
    return argument.getBytes(charset());
  }

  static Charset charset() {
    String name = System.getProperty("sun.jnu.encoding");
    try {
      return name == null ? Charset.defaultCharset() : Charset.forName(name);
    } catch (IllegalArgumentException e) {
      return Charset.defaultCharset();
    }
  }
}
