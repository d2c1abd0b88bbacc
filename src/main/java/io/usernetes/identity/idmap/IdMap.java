package io.usernetes.identity.idmap;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * The mapping of container ids onto the host ids a node's user namespace has, for uids or gids.
 *
 * <p>Built from a uid_map-style spec {@code CONTAINER:HOST:LENGTH[,...]}. The single largest
 * segment is the <em>pool</em>; every other segment is <em>pinned</em> and maps one to one. Any
 * container id no pinned segment covers, including the ids inside the pool's own container range,
 * goes to {@code poolHost + FNV-1a(decimal id) mod poolLength}. Immutable and thread-safe; {@link
 * #toHost} neither allocates nor locks, so the FUSE and notify hot paths can call it freely.
 */
public final class IdMap {
  /** The default for uids and gids alike: root and nobody/nogroup pinned, a 1,999-id pool. */
  public static final String DEFAULT_SPEC = "0:0:1,1:1:1999,65534:2000:2";

  private final List<Segment> segments;
  private final Segment pool;
  private final Segment[] pinned;

  private IdMap(List<Segment> segments, Segment pool) {
    this.segments = List.copyOf(segments);
    this.pool = pool;
    this.pinned = segments.stream().filter(s -> s != pool).toArray(Segment[]::new);
  }

  public static IdMap defaultMap() {
    return parse(DEFAULT_SPEC);
  }

  /**
   * Parses and validates a spec.
   *
   * @throws InvalidIdMapException naming the offending segment and what is wrong with it
   */
  public static IdMap parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new InvalidIdMapException("empty id map: expected CONTAINER:HOST:LENGTH[,...], e.g. "
          + DEFAULT_SPEC);
    }
    String[] parts = spec.split(",", -1);
    List<Segment> segments = new ArrayList<>(parts.length);
    for (int i = 0; i < parts.length; i++) {
      segments.add(parseSegment(parts[i].strip(), i + 1));
    }
    checkNoOverlap(segments, Segment::container, Segment::containerEnd, "container");
    checkNoOverlap(segments, Segment::host, Segment::hostEnd, "host");
    return new IdMap(segments, choosePool(segments));
  }

  private static Segment parseSegment(String text, int index) {
    String[] fields = text.split(":", -1);
    if (fields.length != 3) {
      throw new InvalidIdMapException("segment " + index + " \"" + text
          + "\" is not CONTAINER:HOST:LENGTH (three numbers separated by ':')");
    }
    long container = field(fields[0], "container id", text, index);
    long host = field(fields[1], "host id", text, index);
    long length = field(fields[2], "length", text, index);
    if (length == 0) {
      throw new InvalidIdMapException("segment " + index + " \"" + text + "\" has length 0");
    }
    checkEnd(container, length, "container", text, index);
    checkEnd(host, length, "host", text, index);
    return new Segment(container, host, length);
  }

  private static long field(String value, String what, String text, int index) {
    OptionalLong parsed = Ids.parse(value);
    if (parsed.isEmpty()) {
      throw new InvalidIdMapException("segment " + index + " \"" + text + "\": " + what + " \""
          + value + "\" is not a decimal number from 0 to " + Ids.MAX_ID);
    }
    return parsed.getAsLong();
  }

  private static void checkEnd(long start, long length, String side, String text, int index) {
    if (start + length - 1 > Ids.MAX_ID) {
      throw new InvalidIdMapException("segment " + index + " \"" + text + "\": " + side
          + " range ends at " + (start + length - 1) + ", beyond the largest 32-bit id "
          + Ids.MAX_ID);
    }
  }

  private interface Bound {
    long of(Segment segment);
  }

  private static void checkNoOverlap(List<Segment> segments, Bound start, Bound end, String side) {
    List<Segment> sorted = new ArrayList<>(segments);
    sorted.sort(Comparator.comparingLong(start::of));
    for (int i = 1; i < sorted.size(); i++) {
      Segment before = sorted.get(i - 1);
      Segment after = sorted.get(i);
      if (start.of(after) < end.of(before)) {
        throw new InvalidIdMapException("segments \"" + before + "\" and \"" + after
            + "\" overlap in their " + side + " ranges");
      }
    }
  }

  private static Segment choosePool(List<Segment> segments) {
    Segment largest = segments.stream().max(Comparator.comparingLong(Segment::length)).orElseThrow();
    List<Segment> tied = segments.stream().filter(s -> s.length() == largest.length()).toList();
    if (tied.size() > 1) {
      throw new InvalidIdMapException("no single largest segment to use as the pool: "
          + tied.stream().map(Segment::toString).collect(Collectors.joining(" and "))
          + " have the same length " + largest.length());
    }
    return largest;
  }

  /** The host id of a container id. Never allocates. */
  public long toHost(long containerId) {
    for (Segment s : pinned) {
      if (s.coversContainer(containerId)) {
        return s.host() + (containerId - s.container());
      }
    }
    return pool.host() + Fnv1a.hashDecimal(containerId) % pool.length();
  }

  /** The host id of a container id, with how it was placed. */
  public HostId describe(long containerId) {
    for (Segment s : pinned) {
      if (s.coversContainer(containerId)) {
        return new HostId(containerId, toHost(containerId), Placement.PINNED, s);
      }
    }
    return new HostId(containerId, toHost(containerId), Placement.HASHED, pool);
  }

  /** The one container id a pinned host id stands for, or empty for pool and unmapped host ids. */
  public OptionalLong pinnedContainerOf(long hostId) {
    for (Segment s : pinned) {
      if (s.coversHost(hostId)) {
        return OptionalLong.of(s.container() + (hostId - s.host()));
      }
    }
    return OptionalLong.empty();
  }

  /** True for the host ids the hash can produce. */
  public boolean isPoolHost(long hostId) {
    return pool.coversHost(hostId);
  }

  /** True for host ids this map uses at all (pinned or pool). */
  public boolean coversHost(long hostId) {
    return segments.stream().anyMatch(s -> s.coversHost(hostId));
  }

  public Segment pool() {
    return pool;
  }

  public List<Segment> pinnedSegments() {
    return List.of(pinned);
  }

  public List<Segment> segments() {
    return segments;
  }

  /** The canonical spec, in the order given. */
  public String spec() {
    return segments.stream().map(Segment::toString).collect(Collectors.joining(","));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IdMap other && segments.equals(other.segments);
  }

  @Override
  public int hashCode() {
    return segments.hashCode();
  }

  @Override
  public String toString() {
    return spec();
  }
}
