package io.usernetes.identity.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PaxRecordsTest {
  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static String formatted(String key, String value) {
    PaxRecords r = new PaxRecords();
    r.put(key, ascii(value));
    return new String(r.format(), StandardCharsets.US_ASCII);
  }

  private static List<String> keys(PaxRecords r) {
    return r.entries().stream().map(PaxRecords.Entry::key).toList();
  }

  @Test
  void formatAndParseRoundTripBinaryValuesByteForByte() throws IOException {
    byte[] capability = {0x01, 0x00, 0x00, 0x02, (byte) 0xff, 0x00, '\n', '=', 'x'};
    PaxRecords r = new PaxRecords();
    r.put("path", ascii("usr/bin/ping"));
    r.put("SCHILY.xattr.security.capability", capability);
    r.put("SCHILY.xattr.user.empty", new byte[0]);

    PaxRecords parsed = PaxRecords.parse(r.format());

    assertEquals(List.of("path", "SCHILY.xattr.security.capability", "SCHILY.xattr.user.empty"), keys(parsed));
    assertArrayEquals(ascii("usr/bin/ping"), parsed.get("path"));
    assertArrayEquals(capability, parsed.get("SCHILY.xattr.security.capability"));
    assertArrayEquals(new byte[0], parsed.get("SCHILY.xattr.user.empty"));
  }

  @Test
  void theLengthCountsItsOwnDigitsAcrossNineToTen() {
    // " k=" and "\n" are 4 bytes: a 4-byte value makes 9 with one digit; a 5-byte one cannot
    // make 10 (two digits make it 11)
    assertEquals("9 k=aaaa\n", formatted("k", "aaaa"));
    assertEquals("11 k=aaaaa\n", formatted("k", "aaaaa"));
  }

  @Test
  void theLengthCountsItsOwnDigitsAcrossNinetyNineToAHundred() {
    assertEquals("99 k=" + "a".repeat(93) + "\n", formatted("k", "a".repeat(93)));
    assertEquals("101 k=" + "a".repeat(94) + "\n", formatted("k", "a".repeat(94)));
  }

  @Test
  void recordsOfEveryLengthParseBack() throws IOException {
    for (int n = 0; n < 1100; n++) {
      PaxRecords r = new PaxRecords();
      r.put("k", ascii("v".repeat(n)));
      byte[] data = r.format();
      String text = new String(data, StandardCharsets.US_ASCII);
      assertEquals(data.length, Integer.parseInt(text.substring(0, text.indexOf(' '))), "value of " + n);
      assertEquals(n, PaxRecords.parse(data).get("k").length);
    }
  }

  @Test
  void putReplacesAnExistingRecordInPlace() throws IOException {
    PaxRecords r = PaxRecords.parse(ascii("9 uid=60\n9 gid=12\n12 path=abc\n"));
    r.put("gid", ascii("1633"));
    assertEquals("9 uid=60\n12 gid=1633\n12 path=abc\n", new String(r.format(), StandardCharsets.US_ASCII));
  }

  @Test
  void putLeavesOneRecordOfItsKeyAndTheOthersInTheirOrder() throws IOException {
    PaxRecords r = PaxRecords.parse(ascii("8 uid=1\n12 path=abc\n8 uid=2\n8 gid=3\n8 uid=4\n"));
    r.put("uid", ascii("1633"));
    assertEquals(List.of("path", "gid"), keys(r).stream().filter(k -> !k.equals("uid")).toList());
    assertEquals(1, keys(r).stream().filter(k -> k.equals("uid")).count());
    assertArrayEquals(ascii("1633"), r.get("uid"));
    assertArrayEquals(ascii("1633"), PaxRecords.parse(r.format()).get("uid"));
  }

  @Test
  void putAppendsANewKey() throws IOException {
    PaxRecords r = PaxRecords.parse(ascii("12 path=abc\n"));
    r.put("uid", ascii("0"));
    assertEquals("12 path=abc\n8 uid=0\n", new String(r.format(), StandardCharsets.US_ASCII));
  }

  @Test
  void theLastOfTwoRecordsWins() throws IOException {
    assertArrayEquals(ascii("2"), PaxRecords.parse(ascii("8 uid=1\n8 uid=2\n")).get("uid"));
    assertNull(PaxRecords.parse(ascii("8 uid=1\n")).get("gid"));
  }

  @Test
  void nulPaddingAfterTheLastRecordIsTheEnd() throws IOException {
    assertEquals(List.of("uid"), keys(PaxRecords.parse(ascii("8 uid=1\n\0\0\0\0"))));
  }

  @Test
  void aWrongLengthIsRefused() {
    assertThrows(IOException.class, () -> PaxRecords.parse(ascii("7 uid=1\n")));
    assertThrows(IOException.class, () -> PaxRecords.parse(ascii("9 uid=1\n")));
    assertThrows(IOException.class, () -> PaxRecords.parse(ascii("99 uid=1\n")));
    assertThrows(IOException.class, () -> PaxRecords.parse(ascii("8uid=1\n")));
    assertThrows(IOException.class, () -> PaxRecords.parse(ascii(" 8 uid=1\n")));
    assertThrows(IOException.class, () -> PaxRecords.parse(ascii("8 uid=1\n7 gid=1\n")));
  }

  @Test
  void aRecordWithoutKeyAndEqualsIsRefused() {
    assertThrows(IOException.class, () -> PaxRecords.parse(ascii("8 uid01\n")));
    assertThrows(IOException.class, () -> PaxRecords.parse(ascii("6 =ab\n")));
  }

  @Test
  void aRecordWithoutItsFinalNewlineIsRefused() {
    assertThrows(IOException.class, () -> PaxRecords.parse(ascii("8 uid=12")));
    assertThrows(IOException.class, () -> PaxRecords.parse(ascii("8 uid=1\n8 gid=12")));
  }
}
