package io.usernetes.identity.ownership;

import io.usernetes.identity.idmap.IdMap;
import io.usernetes.identity.idmap.Segment;
import io.usernetes.identity.idmap.UserNamespaceMap;

/**
 * How the host ids of an {@link IdMap} are written as the ids this process sees ("local" ids).
 *
 * <p>The map's host side is normally in this process's own id space (rootful, or a rootless
 * namespace with a full range): then local = host. On a small HPC node the map often <em>is</em>
 * the node's user namespace map ({@code 0:0:1,1:1:1999,65534:2000:2}), and a daemon running inside
 * that namespace sees host id 2000 as 65534: then host ids are translated through {@code
 * /proc/self/uid_map}. The first reading under which every host id of the map is representable
 * is used; a map that fits neither is refused at start.
 */
public final class LocalIds {
  private final UserNamespaceMap namespace;
  private final boolean translate;

  private LocalIds(UserNamespaceMap namespace, boolean translate) {
    this.namespace = namespace;
    this.translate = translate;
  }

  /** @throws IllegalArgumentException naming the map when its host ids do not fit this namespace */
  public static LocalIds choose(IdMap map, UserNamespaceMap namespace, String what) {
    boolean allLocal = true;
    boolean allOutside = true;
    for (Segment s : map.segments()) {
      allLocal &= namespace.mapsAll(s.host(), s.hostEnd() - 1);
      allOutside &= namespace.mapsAllHost(s.host(), s.hostEnd() - 1);
    }
    if (allLocal) {
      return new LocalIds(namespace, false);
    }
    if (allOutside) {
      return new LocalIds(namespace, true);
    }
    throw new IllegalArgumentException(what + " " + map.spec() + " uses host ids this user "
        + "namespace cannot represent (see /proc/self/" + (what.startsWith("gid") ? "gid" : "uid")
        + "_map); use host ids from the namespace's own range");
  }

  /** True when host ids are translated through the namespace map. */
  public boolean translates() {
    return translate;
  }

  public long toLocal(long hostId) {
    return translate ? namespace.toLocal(hostId).orElseThrow() : hostId;
  }

  /** The host id of a local id; local ids outside the map's reach stand for themselves. */
  public long toHost(long localId) {
    return translate ? namespace.toHost(localId).orElse(localId) : localId;
  }

  /** True when the namespace can represent a local id (so the kernel will not show overflow). */
  public boolean representable(long localId) {
    return namespace.toHost(localId).isPresent();
  }
}
