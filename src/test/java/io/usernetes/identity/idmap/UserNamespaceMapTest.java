package io.usernetes.identity.idmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class UserNamespaceMapTest {
  private final UserNamespaceMap hpc = UserNamespaceMap.parse(
      "         0          0          1\n         1          1       1999\n     65534       2000          2\n");

  @Test
  void translatesBothWays() {
    assertEquals(OptionalLong.of(65534), hpc.toLocal(2000));
    assertEquals(OptionalLong.of(2001), hpc.toHost(65535));
    assertEquals(OptionalLong.of(1633), hpc.toLocal(1633));
    assertEquals(OptionalLong.empty(), hpc.toLocal(60000));
    assertEquals(OptionalLong.empty(), hpc.toHost(2000));
  }

  @Test
  void knowsWhetherARangeIsFullyMapped() {
    assertFalse(hpc.mapsAll(0, 65535));
    assertTrue(hpc.mapsAll(0, 1999));
    assertTrue(hpc.mapsAll(65534, 65535));
    assertTrue(hpc.mapsAllHost(0, 2001));
    assertFalse(hpc.mapsAllHost(0, 2002));
    assertTrue(UserNamespaceMap.IDENTITY.mapsAll(0, 65535));
    assertTrue(UserNamespaceMap.IDENTITY.isIdentity());
    assertTrue(UserNamespaceMap.parse("0 1000 1\n1 100000 65536\n").mapsAll(0, 65535));
  }

  @Test
  void rejectsWhatTheKernelWouldNotPrint() {
    assertThrows(IllegalArgumentException.class, () -> UserNamespaceMap.parse("0 0\n"));
  }
}
