package io.usernetes.identity.mount.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class IdMappingsTest {
  @Test
  void parsesTriplesJoinedByColons() {
    assertEquals(List.of(new IdMapping(0, 1, 1000), new IdMapping(1000, 0, 1),
            new IdMapping(1001, 1001, 64536)),
        IdMappings.parse("uidmapping", "0:1:1000:1000:0:1:1001:1001:64536"));
    assertEquals(List.of(new IdMapping(4294967294L, 0, 1)),
        IdMappings.parse("uidmapping", "4294967294:0:1"));
  }

  @Test
  void formatsBack() {
    assertEquals("0:1:1000:1000:0:1", IdMappings.format(
        List.of(new IdMapping(0, 1, 1000), new IdMapping(1000, 0, 1))));
    assertEquals("7:8:9", new IdMapping(7, 8, 9).toString());
    assertEquals(1007, new IdMapping(7, 8, 1000).fromEnd());
    assertEquals(1008, new IdMapping(7, 8, 1000).toEnd());
  }

  @Test
  void numbersAreStrict() {
    for (String bad : List.of("+1", "01", " 1", "1 ", "0x10", "-1", "", "1.0", "٣")) {
      String value = "0:" + bad + ":1";
      assertEquals("option \"gidmapping\": \"" + value + "\" is not a list of FROM:TO:LENGTH "
              + "triples joined by ':': \"" + bad + "\" is not a decimal id from 0 to 4294967294",
          assertThrows(MountUsageException.class, () -> IdMappings.parse("gidmapping", value))
              .getMessage());
    }
  }

  @Test
  void recordRefusesImpossibleTriples() {
    assertThrows(IllegalArgumentException.class, () -> new IdMapping(0, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new IdMapping(-1, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new IdMapping(0, 4294967294L, 2));
  }
}
