package io.usernetes.identity.declared;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.usernetes.identity.idmap.IdMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostIdResolverTest {
  private final IdMap map = IdMap.defaultMap();
  private final List<DeclaredId> declared = List.of(
      new DeclaredId("root", 0), new DeclaredId("alice", 60000), new DeclaredId("bob", 1428),
      new DeclaredId("svc", 1000), new DeclaredId("svc-alias", 1000), new DeclaredId("nobody", 65534));

  @Test
  void namesEveryCollisionOnce() {
    List<HostIdOwners.Collision> collisions = new HostIdOwners(map, declared).collisions();
    assertEquals(1, collisions.size());
    assertEquals(1633, collisions.get(0).host());
    assertEquals(List.of(new DeclaredId("bob", 1428), new DeclaredId("alice", 60000)),
        collisions.get(0).ids());
    assertEquals(1, collisions.get(0).pairs());
  }

  @Test
  void aliasesOfOneIdAreNotACollision() {
    HostIdResolver resolver = HostIdResolver.of(map, declared);
    Resolution r = resolver.resolve(1520);
    assertEquals(Resolution.Source.DECLARED, r.source());
    assertEquals(1000, r.container());
    assertEquals("svc,svc-alias", r.candidates().get(0).name());
  }

  @Test
  void resolvesPinnedDeclaredAmbiguousAndUndeclared() {
    HostIdResolver resolver = HostIdResolver.of(map, declared);
    assertEquals(new Resolution(2000, 65534, Resolution.Source.PINNED, List.of()), resolver.resolve(2000));
    assertEquals(new Resolution(2001, 65535, Resolution.Source.PINNED, List.of()), resolver.resolve(2001));
    Resolution ambiguous = resolver.resolve(1633);
    assertEquals(Resolution.Source.AMBIGUOUS, ambiguous.source());
    assertEquals(1633, ambiguous.container());
    assertEquals(2, ambiguous.candidates().size());
    assertEquals(new Resolution(77, 77, Resolution.Source.UNDECLARED, List.of()), resolver.resolve(77));
  }
}
