package io.usernetes.identity.layers;

import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * Listings of lower-layer directories, least recently used first out once they hold more than
 * {@code capacity} names together. A listing of more than a quarter of that is not kept (its
 * lookups then ask the directory for each name instead of reading it whole again).
 */
final class ListingCache {
  private record Key(int layer, PathKey path) {}

  private final int capacity;
  private final LinkedHashMap<Key, Listing> listings = new LinkedHashMap<>(64, 0.75f, true);
  private final java.util.Set<Key> tooLarge = new java.util.HashSet<>();
  private int names;

  ListingCache(int capacity) {
    this.capacity = capacity;
  }

  /** The cached listing; null when not cached. */
  synchronized Listing get(int layer, byte[] path) {
    return listings.get(new Key(layer, new PathKey(path)));
  }

  synchronized boolean isTooLarge(int layer, byte[] path) {
    return tooLarge.contains(new Key(layer, new PathKey(path)));
  }

  /** Keeps a listing; false when it is too large to keep. */
  synchronized boolean put(int layer, byte[] path, Listing listing) {
    Key key = new Key(layer, new PathKey(path));
    if (listing.size() > capacity / 4) {
      tooLarge.add(key);
      return false;
    }
    Listing previous = listings.put(key, listing);
    names += listing.size() - (previous == null ? 0 : previous.size());
    for (Iterator<Listing> i = listings.values().iterator(); names > capacity && i.hasNext(); ) {
      names -= i.next().size();
      i.remove();
    }
    return true;
  }
}
