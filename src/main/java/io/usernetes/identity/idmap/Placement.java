package io.usernetes.identity.idmap;

/** How a container id found its host id: a pinned one-to-one segment, or the hash into the pool. */
public enum Placement {
  PINNED,
  HASHED
}
