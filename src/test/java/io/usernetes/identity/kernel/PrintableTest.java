package io.usernetes.identity.kernel;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PrintableTest {
  @Test
  void printableUtf8IsShownAsItIs() {
    assertEquals("/layer/home/alice/file", Printable.shown("/layer/home/alice/file".getBytes(UTF_8)));
    assertEquals("/layer/crème brûlée/日本", Printable.shown("/layer/crème brûlée/日本".getBytes(UTF_8)));
    assertEquals("a\\b \"c\"", Printable.shown("a\\b \"c\"".getBytes(UTF_8)));
  }

  @Test
  void aNameThatIsNotUtf8IsQuotedWithEachOtherByteAsHex() {
    assertEquals("\"/d/f\\xffo\"", Printable.shown(new byte[] {'/', 'd', '/', 'f', (byte) 0xff, 'o'}));
    // valid UTF-8 around a bad byte is escaped too: the quoted form is all ASCII
    assertEquals("\"\\xc3\\xa9\\xc3\"", Printable.shown(new byte[] {(byte) 0xc3, (byte) 0xa9, (byte) 0xc3}));
    // an encoded surrogate is not UTF-8
    assertEquals("\"\\xed\\xa0\\x80\"", Printable.shown(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}));
  }

  @Test
  void controlAndFormatCharactersAreQuoted() {
    assertEquals("\"a\\x0ab\"", Printable.shown("a\nb".getBytes(UTF_8)));
    assertEquals("\"\\x7f\"", Printable.shown(new byte[] {0x7f}));
    assertEquals("\"\\xc2\\x85\"", Printable.shown("\u0085".getBytes(UTF_8)));
    assertEquals("\"x\\xe2\\x80\\xaey\"", Printable.shown("x\u202ey".getBytes(UTF_8))); // right-to-left override
    assertEquals("\"\\xe2\\x80\\xa8\"", Printable.shown("\u2028".getBytes(UTF_8)));
  }

  @Test
  void aNameStartingWithAQuoteIsQuotedSoItCannotPassForAQuotedName() {
    byte[] looksQuoted = "\"f\\xffo\"".getBytes(UTF_8);
    assertEquals("\"\\\"f\\\\xffo\\\"\"", Printable.shown(looksQuoted));
    assertEquals("\"\\\"\"", Printable.shown(new byte[] {'"'}));
  }

  @Test
  void theEmptyNameIsEmpty() {
    assertEquals("", Printable.shown(new byte[0]));
  }
}
