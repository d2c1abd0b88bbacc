package io.usernetes.identity.declared;

import io.usernetes.identity.idmap.IdMap;
import io.usernetes.identity.idmap.Ids;
import io.usernetes.identity.idmap.Segment;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Where each id an image declares sits inside one container, when two of them hash to one pool
 * id: the lowest keeps its hash and each other moves to a pool id no declared id hashes to, so
 * that inside the container every declared user is a user of its own. The mount program and the
 * runtime wrapper compute it from the same {@code /etc/passwd} (or {@code /etc/group}) and map,
 * so the container's namespace and the owners the mount reports agree; the disk keeps the hash
 * and the record.
 *
 * <p>Colliding ids move in ascending order, each to the first free pool id after its hash
 * (wrapping round the pool); when the pool is full, or {@value #MAX_MOVES} have moved, the rest
 * stay on their hash, colliding.
 * Pinned ids never move and nothing moves onto them. Immutable.
 */
public final class PoolView {
  /** A declared id that does not sit on its hash in this container, and why. */
  public record Move(DeclaredId id, long hash, DeclaredId holder, long to) {
    @Override
    public String toString() {
      return id + " shares pool id " + hash + " with " + holder + ", which keeps it; in this container "
          + id.id() + " is on pool id " + to;
    }
  }

  /**
   * At most this many ids move: a container's map has at most 340 lines, so more would only use
   * up free pool ids, and the bound keeps a hostile passwd of many thousand ids cheap.
   */
  public static final int MAX_MOVES = 340;

  private final IdMap map;
  private final Map<Long, Long> hostOfMoved = new HashMap<>();
  private final Map<Long, Long> movedOnto = new HashMap<>();
  private final Set<Long> movedFrom = new TreeSet<>();
  private final List<Move> moves = new ArrayList<>();

  private PoolView(IdMap map) {
    this.map = map;
  }

  /** The view of {@code declared} (names that share an id, and repeats, count once). */
  public static PoolView of(IdMap map, Collection<DeclaredId> declared) {
    PoolView view = new PoolView(map);
    TreeMap<Long, String> names = new TreeMap<>();
    for (DeclaredId d : declared) {
      if (d.id() >= 0 && d.id() <= Ids.MAX_ID) {
        names.merge(d.id(), d.name(), (a, b) -> a + "," + b);
      }
    }
    Map<Long, Long> holderOf = new HashMap<>();
    List<Long> colliding = new ArrayList<>();
    for (long id : names.keySet()) { // ascending: the lowest on a hash holds it
      long hash = map.toHost(id);
      if (map.isPoolHost(hash) && holderOf.putIfAbsent(hash, id) != null) {
        colliding.add(id);
      }
    }
    if (colliding.isEmpty()) {
      return view;
    }
    Segment pool = map.pool();
    Set<Long> taken = new HashSet<>(holderOf.keySet());
    for (long id : colliding) {
      if (view.moves.size() == MAX_MOVES) {
        break;
      }
      long hash = map.toHost(id);
      OptionalLong to = firstFreeAfter(hash, pool, taken);
      if (to.isEmpty()) {
        break; // the pool is full: the rest keep colliding
      }
      taken.add(to.getAsLong());
      long holder = holderOf.get(hash);
      view.hostOfMoved.put(id, to.getAsLong());
      view.movedOnto.put(to.getAsLong(), id);
      view.movedFrom.add(hash);
      view.moves.add(new Move(new DeclaredId(names.get(id), id), hash,
          new DeclaredId(names.get(holder), holder), to.getAsLong()));
    }
    return view;
  }

  /** Linear probing round the pool; at most one lap. */
  private static OptionalLong firstFreeAfter(long hash, Segment pool, Set<Long> taken) {
    long h = hash;
    for (long step = 1; step < pool.length(); step++) {
      h = h + 1 == pool.hostEnd() ? pool.host() : h + 1;
      if (!taken.contains(h)) {
        return OptionalLong.of(h);
      }
    }
    return OptionalLong.empty();
  }

  /** No declared id at all. */
  public static PoolView none(IdMap map) {
    return new PoolView(map);
  }

  public IdMap map() {
    return map;
  }

  /** The host id of a container id in this container: where it moved, else the map's. */
  public long hostOf(long containerId) {
    Long moved = hostOfMoved.get(containerId);
    return moved != null ? moved : map.toHost(containerId);
  }

  /** The pool id a declared id moved to, or empty when it sits on its hash (or is pinned). */
  public OptionalLong movedTo(long containerId) {
    Long moved = hostOfMoved.get(containerId);
    return moved == null ? OptionalLong.empty() : OptionalLong.of(moved);
  }

  /** The declared id that moved onto a pool id, or empty. */
  public OptionalLong movedOnto(long hostId) {
    Long id = movedOnto.get(hostId);
    return id == null ? OptionalLong.empty() : OptionalLong.of(id);
  }

  /** Whether some declared id moved away from this pool id: files there need their records read. */
  public boolean movedFrom(long hostId) {
    return movedFrom.contains(hostId);
  }

  /** Every move, by container id. */
  public List<Move> moves() {
    return List.copyOf(moves);
  }
}
