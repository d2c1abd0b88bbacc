package io.usernetes.identity.userns;

import io.usernetes.identity.declared.DeclaredId;
import io.usernetes.identity.declared.PoolView;
import io.usernetes.identity.idmap.IdMap;
import io.usernetes.identity.idmap.Ids;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * Computes a container's sparse uid or gid map from the id map, the ids its image declares and
 * the ids it must have. Each declared id gets its pool id in the container's {@link PoolView} (its
 * hash, or the free pool id a colliding id moved to, as the mount program reports it), each other
 * id {@link IdMap#toHost}, expressed through the config's own mapping when there is one; what
 * cannot be mapped is {@link LeftOut left out} and named, never thrown, so a container always gets
 * a map.
 *
 * <p>No check keeps an id off another id's pinned host id: the id map's segments are disjoint on
 * the host side and a {@link ConfigMapping} is one to one, so only a pinned id can land there.
 */
public final class SparseIdMaps {
  private SparseIdMaps() {}

  /** The map whose host ids are the parent namespace's own ids (podman's rootless 0..2001). */
  public static SparseIdMap compute(IdMap map, Collection<DeclaredId> declared,
      List<Long> required) {
    return compute(map, declared, required, ConfigMapping.IDENTITY);
  }

  /**
   * The map whose host ids are the config mapping's parent ids for the id map's host ids.
   *
   * @param declared the image's accounts ({@code /etc/passwd} for uids, {@code /etc/group} for
   *     gids); aliases and repeats count once
   * @param required ids mapped whatever else happens, the one that matters most first: the
   *     process's own id, then e.g. root, additional gids, ids the mounts name ({@code gid=5}). Of
   *     two that share a host id the earlier keeps it, and one the image does not declare takes
   *     its hash from a declared id; repeats count once
   */
  public static SparseIdMap compute(IdMap map, Collection<DeclaredId> declared, List<Long> required,
      ConfigMapping config) {
    List<LeftOut> leftOut = new ArrayList<>();
    Map<Long, String> names = namesById(declared);
    PoolView view = PoolView.of(map, declared);
    Set<Long> requiredIds = new LinkedHashSet<>(required);
    // the order of precedence: required ids as given, then declared ones lowest first (as the
    // supervisor decides among declared ids that share a host id), so the first claim keeps it
    Set<Long> candidates = new LinkedHashSet<>(requiredIds);
    candidates.addAll(names.keySet());

    Map<Long, Long> holderOfHost = new HashMap<>();
    Map<Long, Long> claimed = new LinkedHashMap<>();
    for (long id : candidates) {
      if (id < 0 || id > Ids.MAX_ID) {
        leftOut.add(new LeftOut(id, LeftOut.Reason.INVALID_ID, named(id, names)
            + " is not an id (0 to " + Ids.MAX_ID + ")"));
        continue;
      }
      long poolHost = view.hostOf(id);
      OptionalLong host = config.toParent(poolHost);
      if (host.isEmpty()) {
        leftOut.add(new LeftOut(id, LeftOut.Reason.NOT_IN_CONFIG_MAPPING, named(id, names)
            + " is on host id " + poolHost
            + ", which has no id in the config's user-namespace mapping"));
        continue;
      }
      Long holder = holderOfHost.putIfAbsent(host.getAsLong(), id);
      if (holder != null) {
        leftOut.add(new LeftOut(id, LeftOut.Reason.COLLISION, named(id, names) + " shares host id "
            + host.getAsLong() + " with " + named(holder, names) + ", which keeps it ("
            + (requiredIds.contains(holder) ? "required" : "the lowest id on it; no pool id is left for it to move to")
            + ")"));
        continue;
      }
      claimed.put(id, host.getAsLong());
    }
    // then the line limit, in the same order: required ids first, declared ones lowest first
    LineBudget budget = new LineBudget(SparseIdMap.MAX_LINES);
    for (Map.Entry<Long, Long> claim : claimed.entrySet()) {
      long id = claim.getKey();
      if (!budget.tryAdd(id, claim.getValue())) {
        leftOut.add(new LeftOut(id, LeftOut.Reason.LINE_LIMIT, named(id, names)
            + (requiredIds.contains(id) ? ", required," : "") + " does not fit in the kernel's "
            + SparseIdMap.MAX_LINES + " lines; left to the supervisor"));
      }
    }
    leftOut.sort(Comparator.comparingLong(LeftOut::containerId));
    return new SparseIdMap(budget.lines(), leftOut, view.moves());
  }

  /** Declared ids in ascending order, with their names (aliases joined by commas). */
  private static Map<Long, String> namesById(Collection<DeclaredId> declared) {
    Map<Long, String> names = new TreeMap<>();
    for (DeclaredId d : declared) {
      names.merge(d.id(), d.name(), (a, b) -> a + "," + b);
    }
    return names;
  }

  private static String named(long id, Map<Long, String> names) {
    String name = names.get(id);
    return name == null ? Long.toString(id) : id + " (" + name + ")";
  }
}
