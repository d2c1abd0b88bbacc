package io.usernetes.identity.idmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class IdMapProperties {
  private static final IdMap DEFAULT = IdMap.defaultMap();

  @Property
  void deterministic(@ForAll @LongRange(min = 0, max = Ids.MAX_ID) long id) {
    assertEquals(DEFAULT.toHost(id), IdMap.parse(IdMap.DEFAULT_SPEC).toHost(id));
    assertEquals(DEFAULT.toHost(id), DEFAULT.describe(id).host());
  }

  @Property
  void everyIdLandsOnAHostIdTheMapOwns(@ForAll("maps") IdMap map,
      @ForAll @LongRange(min = 0, max = Ids.MAX_ID) long id) {
    long host = map.toHost(id);
    assertTrue(map.coversHost(host), () -> id + " -> " + host + " outside " + map);
    HostId placed = map.describe(id);
    if (placed.placement() == Placement.HASHED) {
      assertTrue(map.isPoolHost(host));
    } else {
      assertEquals(id, map.pinnedContainerOf(host).orElseThrow());
    }
  }

  @Property
  void pinnedIdsMapOneToOne(@ForAll("maps") IdMap map, @ForAll @IntRange(min = 0, max = 50) int offset) {
    for (Segment s : map.pinnedSegments()) {
      long id = s.container() + Math.min(offset, s.length() - 1);
      assertEquals(s.host() + (id - s.container()), map.toHost(id));
      assertEquals(Placement.PINNED, map.describe(id).placement());
    }
  }

  @Property
  void specRoundTrips(@ForAll("maps") IdMap map) {
    assertEquals(map, IdMap.parse(map.spec()));
    assertEquals(map.spec(), IdMap.parse(map.spec()).spec());
  }

  @Property(tries = 2000)
  void arbitraryTextNeverThrowsAnythingButTheParsersError(@ForAll("specLikeText") String text) {
    try {
      IdMap.parse(text);
    } catch (InvalidIdMapException expected) {
      assertTrue(!expected.getMessage().isBlank());
    }
  }

  @Provide
  Arbitrary<String> specLikeText() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars("0123456789:,- +x\n").ofMaxLength(40),
        Arbitraries.strings().ofMaxLength(40));
  }

  /** Valid maps: disjoint segments laid out in ascending container and host order. */
  @Provide
  Arbitrary<IdMap> maps() {
    return IdMapArbitraries.maps(100_000, 70_000);
  }
}
