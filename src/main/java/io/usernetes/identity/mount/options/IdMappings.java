package io.usernetes.identity.mount.options;

import io.usernetes.identity.idmap.Ids;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/**
 * The fuse-overlayfs mapping syntax of {@code uidmapping=} and {@code gidmapping=}: {@link
 * IdMapping} triples joined by colons, e.g. {@code 0:1:1000:1000:0:1:1001:1001:64536} (which is
 * what containers-storage sends for a keep-id-like map; containerd's snapshotter turns its
 * comma-separated labels into the same form).
 *
 * <p>Stricter than fuse-overlayfs, which reads numbers with {@code strtol} and takes the first
 * matching triple: here every number is a strict decimal id and no two triples may overlap on
 * either side, because an overlap makes the way back from the mount to the layers ambiguous and
 * would silently give files the wrong owner.
 */
public final class IdMappings {
  private IdMappings() {}

  /**
   * Parses a decoded mapping value.
   *
   * @param option the option name for messages, {@code uidmapping} or {@code gidmapping}
   * @throws MountUsageException naming the option and what is wrong with the value
   */
  public static List<IdMapping> parse(String option, String value) {
    String prefix = "option \"" + option + "\": ";
    if (value.isEmpty()) {
      throw new MountUsageException("option \"" + option + "\" is empty");
    }
    String[] fields = value.split(":", -1);
    String notTriples = prefix + MountUsageException.quote(value)
        + " is not a list of FROM:TO:LENGTH triples joined by ':'";
    if (fields.length % 3 != 0) {
      throw new MountUsageException(notTriples);
    }
    List<IdMapping> mappings = new ArrayList<>(fields.length / 3);
    for (int i = 0; i < fields.length; i += 3) {
      long from = number(fields[i], notTriples);
      long to = number(fields[i + 1], notTriples);
      long length = number(fields[i + 2], notTriples);
      String triple = MountUsageException.quote(fields[i] + ":" + fields[i + 1] + ":" + fields[i + 2]);
      if (length == 0) {
        throw new MountUsageException(prefix + "triple " + (i / 3 + 1) + " " + triple
            + " has length 0");
      }
      if (from + length - 1 > Ids.MAX_ID || to + length - 1 > Ids.MAX_ID) {
        throw new MountUsageException(prefix + "triple " + (i / 3 + 1) + " " + triple
            + " reaches beyond the largest id " + Ids.MAX_ID);
      }
      mappings.add(new IdMapping(from, to, length));
    }
    checkNoOverlap(mappings, IdMapping::from, IdMapping::fromEnd, "FROM", prefix);
    checkNoOverlap(mappings, IdMapping::to, IdMapping::toEnd, "TO", prefix);
    return List.copyOf(mappings);
  }

  /** The value {@link #parse} reads back as {@code mappings}. */
  public static String format(List<IdMapping> mappings) {
    return mappings.stream().map(IdMapping::toString).collect(Collectors.joining(":"));
  }

  private static long number(String field, String notTriples) {
    OptionalLong id = Ids.parse(field);
    if (id.isEmpty()) {
      throw new MountUsageException(notTriples + ": " + MountUsageException.quote(field)
          + " is not a decimal id from 0 to " + Ids.MAX_ID);
    }
    return id.getAsLong();
  }

  private static void checkNoOverlap(List<IdMapping> mappings, ToLongFunction<IdMapping> start,
      ToLongFunction<IdMapping> end, String side, String prefix) {
    List<IdMapping> sorted = new ArrayList<>(mappings);
    sorted.sort(Comparator.comparingLong(start));
    for (int i = 1; i < sorted.size(); i++) {
      IdMapping before = sorted.get(i - 1);
      IdMapping after = sorted.get(i);
      if (start.applyAsLong(after) < end.applyAsLong(before)) {
        throw new MountUsageException(prefix + "triples \"" + before + "\" and \"" + after
            + "\" overlap on their " + side + " side");
      }
    }
  }
}
