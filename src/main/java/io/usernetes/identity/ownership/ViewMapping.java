package io.usernetes.identity.ownership;

import io.usernetes.identity.mount.options.IdMapping;
import java.util.List;

/**
 * fuse-overlayfs's {@code uidmapping=}/{@code gidmapping=} and {@code squash_to_*} options, with
 * their meaning: between the id stored for a file (here: its true container id) and the id shown.
 * Ids no triple covers show as the overflow id, and cannot be chowned to.
 */
public final class ViewMapping {
  public static final long OVERFLOW_ID = 65534;
  public static final ViewMapping NONE = new ViewMapping(List.of(), -1);

  private final List<IdMapping> triples;
  private final long squashTo;

  private ViewMapping(List<IdMapping> triples, long squashTo) {
    this.triples = List.copyOf(triples);
    this.squashTo = squashTo;
  }

  public static ViewMapping of(List<IdMapping> triples) {
    return new ViewMapping(triples, -1);
  }

  /** Everything shows as {@code id}; chown is accepted and does nothing (fuse-overlayfs). */
  public static ViewMapping squash(long id) {
    return new ViewMapping(List.of(), id);
  }

  public boolean squashes() {
    return squashTo >= 0;
  }

  /** The id shown for a stored id. */
  public long toView(long stored) {
    if (squashTo >= 0) {
      return squashTo;
    }
    if (triples.isEmpty()) {
      return stored;
    }
    for (IdMapping t : triples) {
      if (stored >= t.from() && stored - t.from() < t.length()) {
        return t.to() + (stored - t.from());
      }
    }
    return OVERFLOW_ID;
  }

  /** The stored id for a shown id, or -1 when no triple covers it. Not for squashing mappings. */
  public long fromView(long shown) {
    if (triples.isEmpty()) {
      return shown;
    }
    for (IdMapping t : triples) {
      if (shown >= t.to() && shown - t.to() < t.length()) {
        return t.from() + (shown - t.to());
      }
    }
    return -1;
  }
}
