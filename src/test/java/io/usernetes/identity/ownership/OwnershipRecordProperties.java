package io.usernetes.identity.ownership;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usernetes.identity.idmap.Ids;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class OwnershipRecordProperties {
  @Property
  void formatThenParseRoundTrips(@ForAll @LongRange(min = 0, max = Ids.MAX_ID) long id) {
    byte[] value = OwnershipRecord.formatId(id);
    assertArrayEquals(Long.toString(id).getBytes(StandardCharsets.US_ASCII), value);
    assertEquals(OptionalLong.of(id), OwnershipRecord.parseId(value));
  }

  @Property
  void entryRoundTrips(@ForAll @LongRange(min = -1, max = Ids.MAX_ID) long uid,
      @ForAll @LongRange(min = -1, max = Ids.MAX_ID) long gid) {
    RecordValue u = uid < 0 ? RecordValue.absent() : RecordValue.of(uid);
    RecordValue g = gid < 0 ? RecordValue.absent() : RecordValue.of(gid);
    RecordValue[] parsed = RecordValue.parseEntry(OwnershipRecord.formatEntry(u, g));
    assertEquals(u, parsed[0]);
    assertEquals(g, parsed[1]);
  }

  @Example
  void entriesWithoutExactlyOneColonAreCorrupt() {
    for (String bad : new String[] {"1", "1:2:3", "a:1", ""}) {
      RecordValue[] parsed = RecordValue.parseEntry(bad.getBytes(StandardCharsets.US_ASCII));
      assertTrue(parsed[0].kind() != RecordValue.Kind.VALID || parsed[1].kind() != RecordValue.Kind.VALID, bad);
    }
    assertEquals(RecordValue.Kind.CORRUPT, RecordValue.parseEntry("1:2:3".getBytes(StandardCharsets.US_ASCII))[0].kind());
  }

  @Property(tries = 3000)
  void arbitraryBytesAreEitherExactlyAnIdOrReportedCorrupt(@ForAll byte[] value) {
    RecordValue parsed = RecordValue.parse(value);
    if (parsed.isValid()) {
      assertArrayEquals(value, OwnershipRecord.formatId(parsed.id()));
    } else {
      assertEquals(RecordValue.Kind.CORRUPT, parsed.kind());
      assertTrue(parsed.raw().chars().allMatch(c -> c >= 0x20 && c < 0x7F));
    }
    RecordValue.parseEntry(value); // never throws
  }

  @Example
  void strictParsingRejectsSignsSpacesPaddingNewlinesAndOverflow() {
    for (String bad : new String[] {"", "+1", "-1", " 1", "1 ", "01", "1\n", "1.0", "0x10",
        "4294967295", "99999999999", "１２"}) {
      assertEquals(RecordValue.Kind.CORRUPT,
          RecordValue.parse(bad.getBytes(StandardCharsets.UTF_8)).kind(), bad);
    }
    assertEquals(RecordValue.Kind.ABSENT, RecordValue.parse(null).kind());
    assertEquals(0, RecordValue.parse("0".getBytes(StandardCharsets.US_ASCII)).id());
  }

  @Example
  void corruptValuesAreShownEscaped() {
    assertEquals("corrupt \"6\\x0a\\xff\"", RecordValue.parse(new byte[] {'6', '\n', (byte) 0xFF}).toString());
  }

  @Example
  void entryKeysAreFixedLengthAndDependOnTheExactBytes() {
    String a = new String(EntryRecords.key("link".getBytes(StandardCharsets.US_ASCII)), StandardCharsets.US_ASCII);
    String b = new String(EntryRecords.key(new byte[] {'l', 'i', 'n', 'k', (byte) 0xFF}), StandardCharsets.US_ASCII);
    assertTrue(a.matches("[0-9a-f]{32}"), a);
    assertTrue(!a.equals(b));
    assertEquals(a, new String(EntryRecords.key("link".getBytes(StandardCharsets.US_ASCII)), StandardCharsets.US_ASCII));
  }
}
