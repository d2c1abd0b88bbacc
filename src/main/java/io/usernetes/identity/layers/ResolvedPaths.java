package io.usernetes.identity.layers;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Merged paths resolved to where they live, the {@code capacity} most recently used of them. A
 * path that dropped out is resolved again from its parent, which every lookup below it has just
 * used, so a walk keeps its directories; a bound keeps a mount's memory independent of how many
 * files a container ever touched (unbounded, a walk of 20,000 files held ~4 MiB per mount).
 */
final class ResolvedPaths {
  private final Map<PathKey, Node> nodes;

  ResolvedPaths(int capacity) {
    nodes = new LinkedHashMap<>(256, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<PathKey, Node> eldest) {
        return size() > capacity;
      }
    };
  }

  synchronized Node get(byte[] path) {
    return nodes.get(new PathKey(path));
  }

  synchronized void put(byte[] path, Node node) {
    nodes.put(new PathKey(path), node);
  }

  synchronized void remove(byte[] path) {
    nodes.remove(new PathKey(path));
  }

  /** Forgets {@code dir} and every path below it; the root forgets everything. */
  synchronized void removeTree(byte[] dir) {
    if (dir.length == 0) {
      nodes.clear();
    } else {
      nodes.keySet().removeIf(k -> MergedPath.isWithin(k.path(), dir));
    }
  }

  synchronized int size() {
    return nodes.size();
  }
}
