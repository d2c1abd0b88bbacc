package io.usernetes.identity.idmap;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The uid_map or gid_map of a user namespace as the kernel shows it in {@code /proc/PID/uid_map}:
 * lines {@code INSIDE OUTSIDE COUNT}. Translates between the ids a process inside sees ("local")
 * and the ids of the parent namespace ("host"), and tells whether a range is fully mapped.
 */
public final class UserNamespaceMap {
  /** The map of the initial namespace: every id is itself. */
  public static final UserNamespaceMap IDENTITY = parse("0 0 4294967295\n");

  private record Extent(long inside, long outside, long count) {}

  private final List<Extent> extents;

  private UserNamespaceMap(List<Extent> extents) {
    this.extents = List.copyOf(extents);
  }

  /** The map of this process's own user namespace: {@code kind} is {@code "uid"} or {@code "gid"}. */
  public static UserNamespaceMap ofThisProcess(String kind) throws java.io.IOException {
    return parse(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/" + kind + "_map")));
  }

  /** Whether this process's namespace maps every container id, 0–65535, of uids and gids alike. */
  public static boolean thisProcessMapsAllContainerIds() throws java.io.IOException {
    return ofThisProcess("uid").mapsAll(0, 65535) && ofThisProcess("gid").mapsAll(0, 65535);
  }

  /**
   * Parses the kernel's format.
   *
   * @throws IllegalArgumentException for anything the kernel would not have printed
   */
  public static UserNamespaceMap parse(String content) {
    List<Extent> extents = new ArrayList<>();
    for (String line : content.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty()) {
        continue;
      }
      String[] f = trimmed.split("\\s+");
      if (f.length != 3) {
        throw new IllegalArgumentException("bad id map line \"" + trimmed + "\"");
      }
      long count = Long.parseLong(f[2]);
      extents.add(new Extent(Long.parseLong(f[0]), Long.parseLong(f[1]), count));
    }
    return new UserNamespaceMap(extents);
  }

  /** The local id of a host id, or empty when the namespace cannot represent it. */
  public OptionalLong toLocal(long hostId) {
    for (Extent e : extents) {
      if (hostId >= e.outside && hostId - e.outside < e.count) {
        return OptionalLong.of(e.inside + (hostId - e.outside));
      }
    }
    return OptionalLong.empty();
  }

  /** The host id of a local id, or empty when the id is not mapped. */
  public OptionalLong toHost(long localId) {
    for (Extent e : extents) {
      if (localId >= e.inside && localId - e.inside < e.count) {
        return OptionalLong.of(e.outside + (localId - e.inside));
      }
    }
    return OptionalLong.empty();
  }

  /** True when every local id in {@code [first, last]} is mapped. */
  public boolean mapsAll(long first, long last) {
    long id = first;
    while (id <= last) {
      long next = -1;
      for (Extent e : extents) {
        if (id >= e.inside && id - e.inside < e.count) {
          next = e.inside + e.count;
          break;
        }
      }
      if (next < 0) {
        return false;
      }
      id = next;
    }
    return true;
  }

  /** True when every host id in {@code [first, last]} has a local id. */
  public boolean mapsAllHost(long first, long last) {
    for (long id = first; id <= last; ) {
      long next = -1;
      for (Extent e : extents) {
        if (id >= e.outside && id - e.outside < e.count) {
          next = e.outside + e.count;
          break;
        }
      }
      if (next < 0) {
        return false;
      }
      id = next;
    }
    return true;
  }

  public boolean isIdentity() {
    return extents.size() == 1 && extents.get(0).inside == 0 && extents.get(0).outside == 0
        && extents.get(0).count == 4294967295L;
  }
}
