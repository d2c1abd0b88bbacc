package io.usernetes.identity.declared;

import io.usernetes.identity.idmap.IdMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongUnaryOperator;

/**
 * The reverse table of one id map over the ids an image declares: host id → the declared
 * container ids that land on it. Names every collision (two distinct container ids, one host id).
 */
public final class HostIdOwners {
  /** Declared accounts grouped by host id, then by container id (names that share an id). */
  private final TreeMap<Long, TreeMap<Long, List<String>>> table = new TreeMap<>();
  private final IdMap map;

  /** On disk: each declared id on its hash (or pinned host id). */
  public HostIdOwners(IdMap map, Collection<DeclaredId> declared) {
    this(map, declared, map::toHost);
  }

  /** Inside one container: each declared id where {@code view} puts it. */
  public static HostIdOwners inContainer(PoolView view, Collection<DeclaredId> declared) {
    return new HostIdOwners(view.map(), declared, view::hostOf);
  }

  private HostIdOwners(IdMap map, Collection<DeclaredId> declared, LongUnaryOperator placement) {
    this.map = map;
    for (DeclaredId d : declared) {
      table.computeIfAbsent(placement.applyAsLong(d.id()), h -> new TreeMap<>())
          .computeIfAbsent(d.id(), c -> new ArrayList<>())
          .add(d.name());
    }
  }

  public IdMap map() {
    return map;
  }

  /**
   * The distinct declared container ids on a host id, in id order; names that declare the same id
   * are joined with commas.
   */
  public List<DeclaredId> declaredOn(long hostId) {
    TreeMap<Long, List<String>> ids = table.get(hostId);
    return ids == null ? List.of() : merge(ids);
  }

  /** Every host id shared by two or more distinct declared container ids, by host id. */
  public List<Collision> collisions() {
    List<Collision> collisions = new ArrayList<>();
    table.forEach((host, ids) -> {
      if (ids.size() > 1) {
        collisions.add(new Collision(host, merge(ids)));
      }
    });
    return collisions;
  }

  private static List<DeclaredId> merge(Map<Long, List<String>> ids) {
    List<DeclaredId> merged = new ArrayList<>(ids.size());
    ids.forEach((id, names) -> merged.add(new DeclaredId(String.join(",", names), id)));
    return List.copyOf(merged);
  }

  /** A host id with the distinct container ids that share it. */
  public record Collision(long host, List<DeclaredId> ids) {
    /** How many pairs of ids collide here: n ids make n(n-1)/2 pairs. */
    public long pairs() {
      long n = ids.size();
      return n * (n - 1) / 2;
    }
  }
}
