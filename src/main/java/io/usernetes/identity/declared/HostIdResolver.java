package io.usernetes.identity.declared;

import io.usernetes.identity.idmap.IdMap;
import java.util.List;
import java.util.OptionalLong;

/**
 * Finds the container id behind a host id: a pinned segment if one covers it, else the one id the
 * image declares on it, else the host id unchanged. Collisions are reported as {@link
 * Resolution.Source#AMBIGUOUS}, never resolved here: the caller decides and says so.
 */
public final class HostIdResolver {
  private final HostIdOwners owners;

  public HostIdResolver(HostIdOwners owners) {
    this.owners = owners;
  }

  public static HostIdResolver of(IdMap map, List<DeclaredId> declared) {
    return new HostIdResolver(new HostIdOwners(map, declared));
  }

  public Resolution resolve(long hostId) {
    OptionalLong pinned = owners.map().pinnedContainerOf(hostId);
    if (pinned.isPresent()) {
      return new Resolution(hostId, pinned.getAsLong(), Resolution.Source.PINNED, List.of());
    }
    List<DeclaredId> candidates = owners.declaredOn(hostId);
    return switch (candidates.size()) {
      case 0 -> new Resolution(hostId, hostId, Resolution.Source.UNDECLARED, List.of());
      case 1 -> new Resolution(hostId, candidates.get(0).id(), Resolution.Source.DECLARED,
          candidates);
      default -> new Resolution(hostId, hostId, Resolution.Source.AMBIGUOUS,
          candidates);
    };
  }
}
