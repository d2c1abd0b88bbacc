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
  private final PoolView view;

  private HostIdResolver(HostIdOwners owners, PoolView view) {
    this.owners = owners;
    this.view = view;
  }

  /** What a host id on disk stands for: ids that share a hash are ambiguous. */
  public static HostIdResolver of(IdMap map, List<DeclaredId> declared) {
    return new HostIdResolver(new HostIdOwners(map, declared), PoolView.none(map));
  }

  /**
   * What a host id stands for inside one container, whose colliding ids have moved ({@link
   * PoolView}): the mount program and the supervisor, which see the container's ids.
   */
  public static HostIdResolver inContainer(IdMap map, List<DeclaredId> declared) {
    PoolView view = PoolView.of(map, declared);
    return new HostIdResolver(HostIdOwners.inContainer(view, declared), view);
  }

  /** Where the declared ids sit in the container; no moves for {@link #of}. */
  public PoolView view() {
    return view;
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
