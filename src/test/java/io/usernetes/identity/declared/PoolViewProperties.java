package io.usernetes.identity.declared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usernetes.identity.idmap.IdMap;
import io.usernetes.identity.idmap.IdMapArbitraries;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

class PoolViewProperties {

  /** The mount and the wrapper read the same ids in whatever order their files list them. */
  @Property
  void theOrderOfTheDeclarationsDoesNotMatter(@ForAll("maps") IdMap map,
      @ForAll("declared") List<DeclaredId> declared, @ForAll long seed) {
    List<DeclaredId> shuffled = new ArrayList<>(declared);
    Collections.shuffle(shuffled, new Random(seed));
    assertEquals(PoolView.of(map, declared).moves(), PoolView.of(map, shuffled).moves());
  }

  /** Every declared id keeps an id of its own, unless the pool has none left to give. */
  @Property
  void declaredIdsShareAPoolIdOnlyWhenNoneIsLeft(@ForAll("maps") IdMap map,
      @ForAll("declared") List<DeclaredId> declared) {
    PoolView view = PoolView.of(map, declared);
    Map<Long, Long> holder = new HashMap<>();
    boolean shared = false;
    for (long id : declared.stream().mapToLong(DeclaredId::id).distinct().sorted().toArray()) {
      Long before = holder.putIfAbsent(view.hostOf(id), id);
      shared |= before != null;
    }
    boolean poolFull = holder.keySet().stream().filter(map::isPoolHost).count() == map.pool().length();
    assertTrue(!shared || poolFull || view.moves().size() == PoolView.MAX_MOVES,
        () -> "shared with free pool ids left: " + view.moves());
  }

  @Property
  void theLowestIdOnAHashKeepsItAndMovesLandOnFreePoolIdsOnly(@ForAll("maps") IdMap map,
      @ForAll("declared") List<DeclaredId> declared) {
    PoolView view = PoolView.of(map, declared);
    Set<Long> hashes = new HashSet<>();
    declared.forEach(d -> hashes.add(map.toHost(d.id())));
    for (PoolView.Move m : view.moves()) {
      assertTrue(m.holder().id() < m.id().id(), m::toString);
      assertEquals(map.toHost(m.holder().id()), m.hash(), m::toString);
      assertEquals(m.hash(), view.hostOf(m.holder().id()), "the holder stays");
      assertTrue(map.isPoolHost(m.to()), m::toString);
      assertFalse(hashes.contains(m.to()), () -> m + ": a declared id hashes there");
      assertEquals(m.to(), view.hostOf(m.id().id()));
    }
  }

  @Provide
  Arbitrary<IdMap> maps() {
    return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(IdMap.defaultMap())),
        Tuple.of(1, Arbitraries.just(IdMap.parse("0:0:1,1:1:40,65534:41:2"))),
        Tuple.of(1, IdMapArbitraries.maps(3000, 2500)));
  }

  @Provide
  Arbitrary<List<DeclaredId>> declared() {
    return Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.longs().between(0, 70_000)),
            Tuple.of(1, Arbitraries.of(0L, 1428L, 60000L, 65534L)))
        .map(id -> new DeclaredId("u" + id, id)).list().ofMaxSize(400);
  }
}
