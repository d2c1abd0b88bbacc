package io.usernetes.identity.userns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usernetes.identity.idmap.Ids;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ConfigMappingTest {
  @Test
  void translatesThroughItsLinesAndNothingElse() {
    ConfigMapping m = ConfigMapping.of(List.of(
        new IdMappingLine(0, 1000, 1), new IdMappingLine(1, 100000, 65536)));
    assertEquals(OptionalLong.of(1000), m.toParent(0));
    assertEquals(OptionalLong.of(101632), m.toParent(1633));
    assertEquals(OptionalLong.of(165535), m.toParent(65536));
    assertEquals(OptionalLong.empty(), m.toParent(65537));
    assertTrue(m.problems().isEmpty());
  }

  @Test
  void identityIsEveryIdItself() {
    assertEquals(OptionalLong.of(0), ConfigMapping.IDENTITY.toParent(0));
    assertEquals(OptionalLong.of(Ids.MAX_ID), ConfigMapping.IDENTITY.toParent(Ids.MAX_ID));
    assertEquals(OptionalLong.empty(), ConfigMapping.IDENTITY.toParent(Ids.MAX_ID + 1));
  }

  @Test
  void setsAsideLinesTheKernelWouldRefuseAndNamesThem() {
    ConfigMapping m = ConfigMapping.of(List.of(
        new IdMappingLine(0, 0, 10),
        new IdMappingLine(20, 30, 0),
        new IdMappingLine(-1, 50, 1),
        new IdMappingLine(40, Ids.MAX_ID, 2),
        new IdMappingLine(5, 100, 10),
        new IdMappingLine(100, 9, 5),
        new IdMappingLine(100, 200, 5)));
    assertEquals(List.of(new IdMappingLine(0, 0, 10), new IdMappingLine(100, 200, 5)), m.lines());
    String invalid = "\": not a valid id mapping (size of at least 1, ids from 0 to 4294967294)";
    assertEquals(List.of(
        "ignored \"20 30 0" + invalid,
        "ignored \"-1 50 1" + invalid,
        "ignored \"40 4294967294 2" + invalid,
        "ignored \"5 100 10\": its container ids overlap an earlier line's",
        "ignored \"100 9 5\": its host ids overlap an earlier line's"), m.problems());
    assertEquals(OptionalLong.empty(), m.toParent(20));
    assertEquals(OptionalLong.of(202), m.toParent(102));
  }
}
