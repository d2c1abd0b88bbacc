package io.usernetes.identity.mount.options;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class QuotedTextTest {
  @Test
  void rawSplitKeepsQuotesAndBackslashes() {
    assertEquals(List.of("a=\"x,y\"", "b=c\\,d", "", "e"),
        QuotedText.splitRaw("a=\"x,y\",b=c\\,d,,e", ',', "t"));
  }

  @Test
  void decodedSplitRemovesThem() {
    assertEquals(List.of("x:y", "c:d", "e\"f"),
        QuotedText.splitDecoded("\"x:y\":c\\:d:e\\\"f", ':', "t"));
    assertEquals(List.of(""), QuotedText.splitDecoded("", ':', "t"));
  }

  @Test
  void quotesMayBeAnywhereAndEscapesWorkInsideThem() {
    assertEquals("system_u:c1,c2", QuotedText.decode("\"system_u:c1,c2\"", "t"));
    assertEquals("ab\"c", QuotedText.decode("a\"b\\\"c\"", "t"));
  }

  @Test
  void escape() {
    assertEquals("a\\:b\\\\c\\\"d,e", QuotedText.escape("a:b\\c\"d,e", ":"));
  }
}
