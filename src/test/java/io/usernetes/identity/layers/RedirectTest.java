package io.usernetes.identity.layers;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The values of {@code trusted.overlay.redirect} followed, and the ones ignored. */
class RedirectTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static void parses(String value, boolean absolute, String path) {
    Redirect r = Redirect.parse(b(value));
    assertEquals(absolute, r.absolute(), value);
    assertArrayEquals(b(path), r.path(), value);
  }

  @Test
  void absolutePathsAndRelativeNames() {
    parses("/a", true, "a");
    parses("/a/old dir/\u00e9", true, "a/old dir/\u00e9");
    parses("old", false, "old");
    parses("/a/b\0", true, "a/b"); // with the NUL some writers keep
    parses("x".repeat(255), false, "x".repeat(255));
  }

  @Test
  void malformedValuesAreIgnored() {
    for (String bad : new String[] {"", "\0", "/", "//a", "/a/", "/a//b", "a/b", "a/", "/a/../b", "/..", "..",
        ".", "/a/./b", "/.wh.a", ".wh..wh..opq", "/a\0b", "x".repeat(256), "/a/" + "x".repeat(256)}) {
      assertNull(Redirect.parse(b(bad)), bad);
    }
  }
}
