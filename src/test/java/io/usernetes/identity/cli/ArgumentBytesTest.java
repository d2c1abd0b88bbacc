package io.usernetes.identity.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ArgumentBytesTest {
  private static byte[] cmdline(byte[]... entries) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] e : entries) {
      out.writeBytes(e);
      out.write(0);
    }
    return out.toByteArray();
  }

  private static final byte[] NOT_UTF8 = {'d', '/', 'f', (byte) 0xff, 'o'};

  @Test
  void theKernelsBytesOfAnArgumentTheJdkCouldNotDecode() {
    String decoded = new String(NOT_UTF8, UTF_8); // "d/f\uFFFDo", what main receives
    Map<String, byte[]> m = ArgumentBytes.match(
        cmdline("java".getBytes(UTF_8), "-Xss512k".getBytes(UTF_8), "Main".getBytes(UTF_8),
            "stat".getBytes(UTF_8), NOT_UTF8),
        new String[] {"stat", decoded}, UTF_8);
    assertArrayEquals(NOT_UTF8, m.get(decoded));
    assertArrayEquals("stat".getBytes(UTF_8), m.get("stat"));
  }

  @Test
  void twoByteStringsThatDecodeAlikeAreLeftToTheCharset() {
    byte[] other = {'d', '/', 'f', (byte) 0xfe, 'o'};
    String decoded = new String(NOT_UTF8, UTF_8);
    Map<String, byte[]> m = ArgumentBytes.match(cmdline("Main".getBytes(UTF_8), NOT_UTF8, other),
        new String[] {decoded, new String(other, UTF_8)}, UTF_8);
    assertEquals(Map.of(), m);
  }

  @Test
  void aCommandLineThatIsNotThisArgvIsIgnored() {
    assertEquals(Map.of(), ArgumentBytes.match(cmdline("a".getBytes(UTF_8)), new String[] {"a", "b"}, UTF_8));
    assertEquals(Map.of(), ArgumentBytes.match(cmdline("x".getBytes(UTF_8), "y".getBytes(UTF_8)),
        new String[] {"z"}, UTF_8));
    assertEquals(Map.of(), ArgumentBytes.match(new byte[0], new String[] {"z"}, UTF_8));
  }

  @Test
  void withoutRememberedArgumentsTheCharsetEncodes() {
    assertArrayEquals("plain".getBytes(ArgumentBytes.charset()), ArgumentBytes.of("plain"));
  }
}
