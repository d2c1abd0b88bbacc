package io.usernetes.identity.idmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IdMapTest {
  private final IdMap map = IdMap.defaultMap();

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"60000,1633", "1500,1525", "500,1303", "1000,1520", "0,0", "65534,2000",
      "65535,2001", "1428,1633"})
  void matchesTheOriginalToolsTestVectors(long container, long host) {
    assertEquals(host, map.toHost(container));
  }

  @Test
  void theLargestSegmentIsThePoolAndTheOthersArePinned() {
    assertEquals(new Segment(1, 1, 1999), map.pool());
    assertEquals(2, map.pinnedSegments().size());
    assertEquals(Placement.PINNED, map.describe(65535).placement());
    assertEquals(Placement.HASHED, map.describe(1).placement());
  }

  @Test
  void idsInsideThePoolsOwnContainerRangeAreHashedNotIdentity() {
    assertEquals(1525, map.toHost(1500));
    assertEquals(Placement.HASHED, map.describe(1500).placement());
  }

  @Test
  void pinnedHostIdsInvertToTheirContainerId() {
    assertEquals(OptionalLong.of(65534), map.pinnedContainerOf(2000));
    assertEquals(OptionalLong.of(0), map.pinnedContainerOf(0));
    assertEquals(OptionalLong.empty(), map.pinnedContainerOf(1633));
    assertTrue(map.isPoolHost(1633));
    assertFalse(map.isPoolHost(2000));
    assertFalse(map.coversHost(2002));
  }

  @Test
  void specRoundTrips() {
    assertEquals(IdMap.DEFAULT_SPEC, map.spec());
    assertEquals(map, IdMap.parse(" 0:0:1 , 1:1:1999,65534:2000:2 "));
  }

  @ParameterizedTest(name = "[{0}] -> {1}")
  @CsvSource(delimiter = '|', value = {
      "0:0:1,1:1:1999,1500:3000:10 | segments \"1:1:1999\" and \"1500:3000:10\" overlap in their container ranges",
      "0:0:1,1:1:1999,5000:100:2   | segments \"1:1:1999\" and \"5000:100:2\" overlap in their host ranges",
      "0:0:0                       | segment 1 \"0:0:0\" has length 0",
      "0:4294967296:1              | segment 1 \"0:4294967296:1\": host id \"4294967296\" is not a decimal number from 0 to 4294967294",
      "4294967290:0:10             | segment 1 \"4294967290:0:10\": container range ends at 4294967299, beyond the largest 32-bit id 4294967294",
      "0:0                         | segment 1 \"0:0\" is not CONTAINER:HOST:LENGTH (three numbers separated by ':')",
      "a:b:c                       | segment 1 \"a:b:c\": container id \"a\" is not a decimal number from 0 to 4294967294",
      "0:0:1,,1:1:10               | segment 2 \"\" is not CONTAINER:HOST:LENGTH (three numbers separated by ':')",
      "0:0:5,10:10:5               | no single largest segment to use as the pool: 0:0:5 and 10:10:5 have the same length 5",
      "-1:0:5                      | segment 1 \"-1:0:5\": container id \"-1\" is not a decimal number from 0 to 4294967294",
  })
  void rejectsBadSpecsWithAPreciseMessage(String spec, String message) {
    InvalidIdMapException e = assertThrows(InvalidIdMapException.class, () -> IdMap.parse(spec));
    assertEquals(message, e.getMessage());
  }

  @Test
  void rejectsAnEmptySpec() {
    assertTrue(assertThrows(InvalidIdMapException.class, () -> IdMap.parse(" "))
        .getMessage().startsWith("empty id map"));
  }

  @Test
  void aSingleSegmentIsAllPool() {
    IdMap small = IdMap.parse("100000:100000:2000");
    assertEquals(0, small.pinnedSegments().size());
    long host = small.toHost(60000);
    assertTrue(host >= 100000 && host < 102000);
  }
}
