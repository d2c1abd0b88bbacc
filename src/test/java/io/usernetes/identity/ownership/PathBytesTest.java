package io.usernetes.identity.ownership;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathBytesTest {
  private static byte[] b(String s) {
    return s.getBytes(ISO_8859_1);
  }

  private static String s(byte[] b) {
    return new String(b, ISO_8859_1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "a/b", "/a/b", "a/b/", "//a//b//", "/", "//", "./a", "a/./b", "../a/..", "."})
  void normalizeShowsPathsAsJavaNioDid(String path) {
    assertEquals(Path.of(path).toString(), s(PathBytes.normalize(b(path))));
  }

  @Test
  void normalizeKeepsEveryOtherByte() {
    byte[] odd = {'d', '/', '/', 'f', (byte) 0xff, 'o', '/'};
    assertArrayEquals(new byte[] {'d', '/', 'f', (byte) 0xff, 'o'}, PathBytes.normalize(odd));
    assertArrayEquals(new byte[0], PathBytes.normalize(new byte[0]));
  }

  @ParameterizedTest
  @CsvSource({
      "a, ., a",
      "a/b, a, b",
      "/a, /, a",
      "/a/b/c, /a/b, c",
      "/, /, .",
      "., ., .",
      "a/.., a, ..",
  })
  void parentAndName(String path, String parent, String name) {
    assertEquals(parent, s(PathBytes.parent(b(path))));
    assertEquals(name, s(PathBytes.name(b(path))));
  }

  @Test
  void childJoinsWithOneSlash() {
    assertEquals("a/b", s(PathBytes.child(b("a"), b("b"))));
    assertEquals("/b", s(PathBytes.child(b("/"), b("b"))));
    assertArrayEquals(new byte[] {'d', '/', (byte) 0xff}, PathBytes.child(b("d"), new byte[] {(byte) 0xff}));
  }
}
