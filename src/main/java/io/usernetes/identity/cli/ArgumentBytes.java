package io.usernetes.identity.cli;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The exact bytes of a path given on the command line. The JDK decodes argv with the charset it
 * uses for file names ({@code sun.jnu.encoding}, from the locale), and under a UTF-8 locale a byte
 * that is not UTF-8 arrives as U+FFFD: the name is lost. The kernel still has argv as it was
 * passed, in {@code /proc/self/cmdline}, whose last entries are the program's arguments (the
 * launcher execs {@code java … MAIN "$@"}); {@link #remember} keeps each one whose decoding is
 * the String the JDK made of it. An argument two different byte strings decode to, or one not
 * found there (a test calling {@code run} directly), is encoded with the JDK's charset.
 */
final class ArgumentBytes {
  private static volatile Map<String, byte[]> exact = Map.of();

  private ArgumentBytes() {}

  /** Takes the program's arguments as the kernel holds them; called once from {@code main}. */
  static void remember(String[] args) {
    try {
      exact = match(Files.readAllBytes(Path.of("/proc/self/cmdline")), args, charset());
    } catch (IOException | RuntimeException e) {
      exact = Map.of(); // no /proc: the JDK's decoding is all there is
    }
  }

  static byte[] of(String argument) {
    byte[] raw = exact.get(argument);
    return raw != null ? raw.clone() : argument.getBytes(charset());
  }

  /** The raw bytes of each of {@code args}, by their decoded String, from a NUL-separated cmdline. */
  static Map<String, byte[]> match(byte[] cmdline, String[] args, Charset charset) {
    List<byte[]> entries = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < cmdline.length; i++) {
      if (cmdline[i] == 0) {
        entries.add(java.util.Arrays.copyOfRange(cmdline, start, i));
        start = i + 1;
      }
    }
    if (entries.size() < args.length) {
      return Map.of();
    }
    List<byte[]> tail = entries.subList(entries.size() - args.length, entries.size());
    Map<String, byte[]> out = new HashMap<>();
    Set<String> ambiguous = new HashSet<>();
    for (int i = 0; i < args.length; i++) {
      byte[] raw = tail.get(i);
      if (!new String(raw, charset).equals(args[i])) {
        return Map.of(); // not this program's argv after all
      }
      byte[] seen = out.putIfAbsent(args[i], raw);
      if (seen != null && !java.util.Arrays.equals(seen, raw)) {
        ambiguous.add(args[i]);
      }
    }
    ambiguous.forEach(out::remove);
    return Map.copyOf(out);
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
