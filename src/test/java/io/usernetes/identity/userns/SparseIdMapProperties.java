package io.usernetes.identity.userns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usernetes.identity.declared.DeclaredId;
import io.usernetes.identity.declared.PoolView;
import io.usernetes.identity.idmap.IdMap;
import io.usernetes.identity.idmap.IdMapArbitraries;
import io.usernetes.identity.idmap.Ids;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.LongStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

class SparseIdMapProperties {

  @Property
  void oneToOneOnBothSides(@ForAll("maps") IdMap map, @ForAll("declared") List<DeclaredId> declared,
      @ForAll("required") List<Long> required, @ForAll("configs") ConfigMapping config) {
    Map<Long, Long> pairs = mappedIds(SparseIdMaps.compute(map, declared, required, config));
    assertEquals(pairs.size(), new HashSet<>(pairs.values()).size(),
        () -> "host ids shared: " + pairs);
  }

  @Property
  void atMostTheKernelsLinesSortedAndMergedWhereTheyRunOn(@ForAll("maps") IdMap map,
      @ForAll("declared") List<DeclaredId> declared, @ForAll("required") List<Long> required,
      @ForAll("configs") ConfigMapping config) {
    List<IdMappingLine> lines = SparseIdMaps.compute(map, declared, required, config).lines();
    assertTrue(lines.size() <= SparseIdMap.MAX_LINES, () -> lines.size() + " lines");
    for (int i = 1; i < lines.size(); i++) {
      IdMappingLine before = lines.get(i - 1);
      IdMappingLine after = lines.get(i);
      assertTrue(before.containerEnd() <= after.containerId(), () -> before + " then " + after);
      assertTrue(before.containerEnd() != after.containerId() || before.hostEnd() != after.hostId(),
          () -> before + " and " + after + " should be one line");
    }
    lines.forEach(line -> assertTrue(line.isValid(), line::toString));
  }

  /** Where the mount program reports its files: the container's view of the declared ids. */
  @Property
  void everyMappedIdIsOnItsHostIdInTheContainersView(@ForAll("maps") IdMap map,
      @ForAll("declared") List<DeclaredId> declared, @ForAll("required") List<Long> required,
      @ForAll("configs") ConfigMapping config) {
    PoolView view = PoolView.of(map, declared);
    mappedIds(SparseIdMaps.compute(map, declared, required, config)).forEach((container, host) ->
        assertEquals(config.toParent(view.hostOf(container)), OptionalLong.of(host),
            () -> "" + container));
  }

  /** Mappable: a valid id the config can express, whose host id no earlier required id has. */
  @Property
  void everyRequiredIdThatCanBeMappedIsMapped(@ForAll("maps") IdMap map,
      @ForAll("declared") List<DeclaredId> declared, @ForAll("required") List<Long> required,
      @ForAll("configs") ConfigMapping config) {
    SparseIdMap result = SparseIdMaps.compute(map, declared, required, config);
    PoolView view = PoolView.of(map, declared);
    Set<Long> hostsTaken = new HashSet<>();
    for (long id : required) {
      OptionalLong host = id >= 0 && id <= Ids.MAX_ID
          ? config.toParent(view.hostOf(id)) : OptionalLong.empty();
      if (host.isPresent() && hostsTaken.add(host.getAsLong())) {
        assertEquals(host, result.hostOf(id), () -> id + " in\n" + result);
      }
    }
  }

  @Property
  void noIdLandsOnAnotherIdsPinnedHostId(@ForAll("maps") IdMap map,
      @ForAll("declared") List<DeclaredId> declared, @ForAll("required") List<Long> required,
      @ForAll("configs") ConfigMapping config) {
    mappedIds(SparseIdMaps.compute(map, declared, required, config)).forEach((container, host) -> {
      OptionalLong pinnedOwner = map.pinnedContainerOf(configIdOf(config, host));
      assertTrue(pinnedOwner.isEmpty() || pinnedOwner.getAsLong() == container,
          () -> container + " on the pinned host id of " + pinnedOwner);
    });
  }

  @Property
  void everyIdAskedForIsMappedOrLeftOutExactlyOnce(@ForAll("maps") IdMap map,
      @ForAll("declared") List<DeclaredId> declared, @ForAll("required") List<Long> required,
      @ForAll("configs") ConfigMapping config) {
    SparseIdMap result = SparseIdMaps.compute(map, declared, required, config);
    Set<Long> askedFor = new HashSet<>(required);
    declared.forEach(d -> askedFor.add(d.id()));
    List<Long> accounted = new ArrayList<>(mappedIds(result).keySet());
    result.leftOut().forEach(l -> accounted.add(l.containerId()));
    assertEquals(askedFor.size(), accounted.size(), () -> "mapped and left out: " + accounted);
    assertEquals(askedFor, new HashSet<>(accounted));
  }

  /** The other properties prove little unless the generators reach these cases often enough. */
  @Property
  @StatisticsReport(onFailureOnly = true)
  void theGeneratorsReachTheLimitCollisionsMovesAndComposition(@ForAll("maps") IdMap map,
      @ForAll("declared") List<DeclaredId> declared, @ForAll("required") List<Long> required,
      @ForAll("configs") ConfigMapping config) {
    SparseIdMap result = SparseIdMaps.compute(map, declared, required, config);
    Statistics.label("at the line limit")
        .collect(!result.leftOut(LeftOut.Reason.LINE_LIMIT).isEmpty());
    Statistics.label("collisions").collect(!result.leftOut(LeftOut.Reason.COLLISION).isEmpty());
    Statistics.label("moves").collect(!result.moves().isEmpty());
    Statistics.label("composed, with ids it cannot express")
        .collect(!result.leftOut(LeftOut.Reason.NOT_IN_CONFIG_MAPPING).isEmpty()
            && !result.lines().isEmpty());
    Statistics.label("at the line limit").coverage(c -> c.check(true).percentage(p -> p >= 5));
    Statistics.label("collisions").coverage(c -> c.check(true).percentage(p -> p >= 5));
    Statistics.label("moves").coverage(c -> c.check(true).percentage(p -> p >= 20));
    Statistics.label("composed, with ids it cannot express")
        .coverage(c -> c.check(true).percentage(p -> p >= 5));
  }

  private static Map<Long, Long> mappedIds(SparseIdMap result) {
    Map<Long, Long> pairs = new TreeMap<>();
    for (IdMappingLine line : result.lines()) {
      for (long i = 0; i < line.size(); i++) {
        Long before = pairs.put(line.containerId() + i, line.hostId() + i);
        assertNull(before, () -> "container id mapped twice in\n" + result);
      }
    }
    return pairs;
  }

  /** The config's container id (an id map host id) behind one of its parent's ids. */
  private static long configIdOf(ConfigMapping config, long parentId) {
    return config.lines().stream()
        .filter(l -> parentId >= l.hostId() && parentId < l.hostEnd())
        .mapToLong(l -> l.containerId() + (parentId - l.hostId()))
        .findFirst().orElseThrow();
  }

  @Provide
  Arbitrary<IdMap> maps() {
    Arbitrary<IdMap> generated = IdMapArbitraries.maps(3000, 2500);
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just(IdMap.defaultMap())), Tuple.of(2, generated));
  }

  /** Ids where images put them, in runs of consecutive ids, now and then one the kernel refuses. */
  @Provide
  Arbitrary<List<DeclaredId>> declared() {
    Arbitrary<Long> start = Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.longs().between(0, 70_000)),
        Tuple.of(2, Arbitraries.longs().between(65_530, 65_535)),
        Tuple.of(1, Arbitraries.longs().between(0, Ids.MAX_ID)),
        Tuple.of(1, Arbitraries.of(-1L, Ids.MAX_ID + 1)));
    Arbitrary<List<Long>> run = Combinators.combine(start, Arbitraries.integers().between(1, 20))
        .as((first, n) -> LongStream.range(first, first + n).boxed().toList());
    Arbitrary<List<List<Long>>> runs = Arbitraries.oneOf(
        run.list().ofMaxSize(20), run.list().ofMinSize(80).ofMaxSize(200));
    return runs.map(lists -> {
      List<DeclaredId> ids = new ArrayList<>();
      lists.forEach(ls -> ls.forEach(id -> ids.add(new DeclaredId("u" + id, id))));
      return ids;
    });
  }

  /** A few ids, often ones the image declares too or root, with repeats and invalid ones. */
  @Provide
  Arbitrary<List<Long>> required() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.longs().between(0, 70_000)),
        Tuple.of(2, Arbitraries.of(0L, 5L, 1428L, 60000L, 65534L)),
        Tuple.of(1, Arbitraries.longs().between(-3, Ids.MAX_ID + 3))).list().ofMaxSize(8);
  }

  /** Mostly no config mapping; otherwise a few lines over the map's host ids, some of them bad. */
  @Provide
  Arbitrary<ConfigMapping> configs() {
    Arbitrary<IdMappingLine> line = Combinators.combine(Arbitraries.longs().between(-1, 20_000),
        Arbitraries.longs().between(0, 1_000_000), Arbitraries.longs().between(0, 10_000))
        .as(IdMappingLine::new);
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just(ConfigMapping.IDENTITY)),
        Tuple.of(1, line.list().ofMaxSize(6).map(ConfigMapping::of)));
  }
}
