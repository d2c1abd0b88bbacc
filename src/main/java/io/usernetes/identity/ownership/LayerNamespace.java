package io.usernetes.identity.ownership;

import io.usernetes.identity.idmap.UserNamespaceMap;

/**
 * The user namespace whose ids a layer's owners are written in, for reading them from outside
 * it: a rootless user's podman namespace stores its 1633 as a subordinate id (201632 for
 * {@code hpcuser:200000:2001}). An owner the namespace does not map is left as it is, to be
 * judged as what it is.
 */
public record LayerNamespace(UserNamespaceMap uids, UserNamespaceMap gids) {
  /** The layer's ids are the reader's own. */
  public static final LayerNamespace SAME = new LayerNamespace(UserNamespaceMap.IDENTITY, UserNamespaceMap.IDENTITY);

  /** The layer's owner as its namespace calls it. */
  public Owner ownerOf(long uid, long gid) {
    return new Owner(uids.toLocal(uid).orElse(uid), gids.toLocal(gid).orElse(gid));
  }
}
