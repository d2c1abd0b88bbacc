package io.usernetes.identity.idmap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class IdListTest {
  @Test
  void parsesIdsAndRangesIntoSortedDistinctIds() {
    assertArrayEquals(new long[] {3, 4, 5, 1428, 60000}, IdList.parse("60000,1428, 3-5,4"));
    assertEquals(65536, IdList.parse("0-65535").length);
  }

  @Test
  void rejectsBackwardRangesGarbageAndHugeLists() {
    assertEquals("range \"9-3\" ends before it starts",
        assertThrows(IllegalArgumentException.class, () -> IdList.parse("9-3")).getMessage());
    assertEquals("id \"x\" is not an id (a decimal number from 0 to 4294967294)",
        assertThrows(IllegalArgumentException.class, () -> IdList.parse("1,x")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> IdList.parse("0-4294967294"));
    assertThrows(IllegalArgumentException.class, () -> IdList.parse(""));
  }
}
