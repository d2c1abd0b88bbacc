package io.usernetes.identity.mount.options;

import io.usernetes.identity.idmap.Ids;

/**
 * One {@code uidmapping=}/{@code gidmapping=} triple of fuse-overlayfs, {@code FROM:TO:LENGTH}:
 * the ids {@code [from, from+length)} stored in the layers are shown through the mount as {@code
 * [to, to+length)}, and the inverse applies when something is created or chowned through it.
 * containers-storage writes the container id first and the host id second ({@code C:H:S}).
 *
 * <p>Invariant: {@code length >= 1} and both ranges lie within {@code 0..}{@link Ids#MAX_ID}.
 */
public record IdMapping(long from, long to, long length) {

  public IdMapping {
    if (length < 1 || from < 0 || to < 0
        || from > Ids.MAX_ID - length + 1 || to > Ids.MAX_ID - length + 1) {
      throw new IllegalArgumentException("not a valid id mapping: " + from + ":" + to + ":" + length);
    }
  }

  /** One past the last layer-side id. */
  public long fromEnd() {
    return from + length;
  }

  /** One past the last mount-side id. */
  public long toEnd() {
    return to + length;
  }

  /** The triple as fuse-overlayfs writes it, {@code FROM:TO:LENGTH}. */
  @Override
  public String toString() {
    return from + ":" + to + ":" + length;
  }
}
