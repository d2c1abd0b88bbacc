package io.usernetes.identity.mount.options;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The fuse-overlayfs options that change which owner the mount shows. These are what
 * containers-storage sends when the storage itself shifts ids; usernetes-identity's own id
 * virtualisation is configured by {@link IdentityOptions}.
 *
 * @param uidMapping {@code uidmapping=}: layer uid → shown uid triples; empty when not given
 * @param gidMapping {@code gidmapping=}: the same for gids
 * @param squashToRoot {@code squash_to_root}: every file shows as owned by 0:0 and chown
 *     errors are swallowed
 * @param squashToUid {@code squash_to_uid=N}: every file shows uid N; beats squashToRoot
 * @param squashToGid {@code squash_to_gid=N}: every file shows gid N; beats squashToRoot
 * @param xattrPermissions {@code xattr_permissions=}: where owner and mode are stored
 */
public record Ownership(List<IdMapping> uidMapping, List<IdMapping> gidMapping,
    boolean squashToRoot, OptionalLong squashToUid, OptionalLong squashToGid,
    XattrPermissions xattrPermissions) {

  public Ownership {
    uidMapping = List.copyOf(uidMapping);
    gidMapping = List.copyOf(gidMapping);
    Objects.requireNonNull(squashToUid, "squashToUid");
    Objects.requireNonNull(squashToGid, "squashToGid");
    Objects.requireNonNull(xattrPermissions, "xattrPermissions");
  }

  /** The uid every file shows as, if any squash option applies (squash_to_uid beats root). */
  public OptionalLong squashedUid() {
    return squashToUid.isPresent() || !squashToRoot ? squashToUid : OptionalLong.of(0);
  }

  /** The gid every file shows as, if any squash option applies (squash_to_gid beats root). */
  public OptionalLong squashedGid() {
    return squashToGid.isPresent() || !squashToRoot ? squashToGid : OptionalLong.of(0);
  }

  void appendTo(List<String> options) {
    if (!uidMapping.isEmpty()) {
      options.add("uidmapping=" + IdMappings.format(uidMapping));
    }
    if (!gidMapping.isEmpty()) {
      options.add("gidmapping=" + IdMappings.format(gidMapping));
    }
    if (squashToRoot) {
      options.add("squash_to_root");
    }
    squashToUid.ifPresent(id -> options.add("squash_to_uid=" + id));
    squashToGid.ifPresent(id -> options.add("squash_to_gid=" + id));
    if (xattrPermissions != XattrPermissions.NONE) {
      options.add("xattr_permissions=" + xattrPermissions.number());
    }
  }
}
