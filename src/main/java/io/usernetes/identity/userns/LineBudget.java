package io.usernetes.identity.userns;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ids chosen for a sparse map, within a number of lines. Consecutive container ids on
 * consecutive host ids share a line, so an id costs one line, none (it extends a line) or minus
 * one (it joins two): the count is kept exact as ids are added, not estimated.
 */
final class LineBudget {
  private final int maxLines;
  /** Container id → host id. */
  private final TreeMap<Long, Long> chosen = new TreeMap<>();
  private int lines;

  LineBudget(int maxLines) {
    this.maxLines = maxLines;
  }

  /** Adds the id if the lines it needs still fit; the caller guarantees both sides are unused. */
  boolean tryAdd(long containerId, long hostId) {
    int cost = 1 - (continues(containerId - 1, hostId - 1) ? 1 : 0)
        - (continues(containerId + 1, hostId + 1) ? 1 : 0);
    if (lines + cost > maxLines) {
      return false;
    }
    chosen.put(containerId, hostId);
    lines += cost;
    return true;
  }

  private boolean continues(long containerId, long hostId) {
    Long host = chosen.get(containerId);
    return host != null && host == hostId;
  }

  /** The chosen ids as lines, merged where they run on, by container id. */
  List<IdMappingLine> lines() {
    List<IdMappingLine> merged = new ArrayList<>(lines);
    long start = -1;
    long host = -1;
    long size = 0;
    for (Map.Entry<Long, Long> e : chosen.entrySet()) {
      if (size > 0 && e.getKey() == start + size && e.getValue() == host + size) {
        size++;
        continue;
      }
      if (size > 0) {
        merged.add(new IdMappingLine(start, host, size));
      }
      start = e.getKey();
      host = e.getValue();
      size = 1;
    }
    if (size > 0) {
      merged.add(new IdMappingLine(start, host, size));
    }
    return merged;
  }
}
