package io.usernetes.identity.userns;

import io.usernetes.identity.idmap.Ids;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * The user-namespace mapping an OCI config already has ({@code linux.uidMappings} or {@code
 * gidMappings}), for a sparse map to be composed with: the pool ids are then ids of the config's
 * container space, and the sparse map gives the parent's id this mapping has for them.
 *
 * <p>The config is input, not code: lines the kernel would refuse (empty, beyond the largest id,
 * overlapping an earlier line on either side) are set aside and named in {@link #problems()}
 * rather than thrown, so one bad line cannot stop a container. Ids that only such a line would
 * have carried come out of the sparse map as {@link LeftOut.Reason#NOT_IN_CONFIG_MAPPING}.
 */
public final class ConfigMapping {
  /** No mapping to compose with: the id map's host ids are the parent namespace's own ids. */
  public static final ConfigMapping IDENTITY =
      of(List.of(new IdMappingLine(0, 0, Ids.MAX_ID + 1)));

  private final TreeMap<Long, IdMappingLine> byContainer = new TreeMap<>();
  private final List<String> problems = new ArrayList<>();

  private ConfigMapping(List<IdMappingLine> lines) {
    TreeMap<Long, IdMappingLine> byHost = new TreeMap<>();
    for (IdMappingLine line : lines) {
      if (!line.isValid()) {
        problems.add("ignored \"" + line
            + "\": not a valid id mapping (size of at least 1, ids from 0 to " + Ids.MAX_ID + ")");
      } else if (overlaps(byContainer, line, IdMappingLine::containerId,
          IdMappingLine::containerEnd)) {
        problems.add("ignored \"" + line + "\": its container ids overlap an earlier line's");
      } else if (overlaps(byHost, line, IdMappingLine::hostId, IdMappingLine::hostEnd)) {
        problems.add("ignored \"" + line + "\": its host ids overlap an earlier line's");
      } else {
        byContainer.put(line.containerId(), line);
        byHost.put(line.hostId(), line);
      }
    }
  }

  /** The mapping of a config's lines, in the config's order; never throws for bad lines. */
  public static ConfigMapping of(List<IdMappingLine> lines) {
    return new ConfigMapping(lines);
  }

  private static boolean overlaps(TreeMap<Long, IdMappingLine> kept, IdMappingLine line,
      ToLongFunction<IdMappingLine> start, ToLongFunction<IdMappingLine> end) {
    Map.Entry<Long, IdMappingLine> before = kept.floorEntry(start.applyAsLong(line));
    Map.Entry<Long, IdMappingLine> after = kept.ceilingEntry(start.applyAsLong(line));
    return (before != null && end.applyAsLong(before.getValue()) > start.applyAsLong(line))
        || (after != null && start.applyAsLong(after.getValue()) < end.applyAsLong(line));
  }

  /** The parent's id for an id of the config's container space, or empty when no line has it. */
  public OptionalLong toParent(long id) {
    Map.Entry<Long, IdMappingLine> entry = byContainer.floorEntry(id);
    if (entry == null || id >= entry.getValue().containerEnd()) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(entry.getValue().hostId() + (id - entry.getValue().containerId()));
  }

  /** The lines in use, by container id. */
  public List<IdMappingLine> lines() {
    return List.copyOf(byContainer.values());
  }

  /** One sentence per line set aside, naming the line; empty when every line is in use. */
  public List<String> problems() {
    return List.copyOf(problems);
  }
}
