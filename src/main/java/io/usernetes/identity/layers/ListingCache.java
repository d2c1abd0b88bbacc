package io.usernetes.identity.layers;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Listings of lower-layer directories, least recently used first out once they hold more than
 * {@code capacity} names together. A listing of more than a quarter of that is not kept (its
 * lookups then ask the directory for each name instead of reading it whole again).
 *
 * <p>One cache serves every mount of the process ({@link #SHARED}): containers of one image
 * share its lower layers, and the mount service reads each of their directories once, not once
 * per container. A layer's listings live while a mount of it is live ({@link #retain}, {@link
 * #release}); lower layers are never written while mounted, so a listing stays true meanwhile,
 * and a layer changed between mounts is read afresh.
 */
final class ListingCache {
  /** Names kept over all mounts of the process (roughly 100 bytes each). */
  static final ListingCache SHARED = new ListingCache(400_000);

  private record Key(LayerRoot layer, PathKey path) {}

  private final int capacity;
  private final LinkedHashMap<Key, Listing> listings = new LinkedHashMap<>(64, 0.75f, true);
  private final Set<Key> tooLarge = new HashSet<>();
  private final Map<LayerRoot, Integer> users = new HashMap<>();
  private int names;

  ListingCache(int capacity) {
    this.capacity = capacity;
  }

  /** A mount of {@code layer} begins: its listings may be kept. */
  synchronized void retain(LayerRoot layer) {
    users.merge(layer, 1, Integer::sum);
  }

  /** A mount of {@code layer} ended: the last one drops its listings. */
  synchronized void release(LayerRoot layer) {
    Integer left = users.computeIfPresent(layer, (l, n) -> n == 1 ? null : n - 1);
    if (left == null) {
      for (Iterator<Map.Entry<Key, Listing>> i = listings.entrySet().iterator(); i.hasNext(); ) {
        Map.Entry<Key, Listing> e = i.next();
        if (e.getKey().layer().equals(layer)) {
          names -= e.getValue().size();
          i.remove();
        }
      }
      tooLarge.removeIf(k -> k.layer().equals(layer));
    }
  }

  /** The cached listing; null when not cached. */
  synchronized Listing get(LayerRoot layer, byte[] path) {
    return listings.get(new Key(layer, new PathKey(path)));
  }

  synchronized boolean isTooLarge(LayerRoot layer, byte[] path) {
    return tooLarge.contains(new Key(layer, new PathKey(path)));
  }

  /** Keeps a listing of a layer being mounted; false when it is too large to keep. */
  synchronized boolean put(LayerRoot layer, byte[] path, Listing listing) {
    Key key = new Key(layer, new PathKey(path));
    if (listing.size() > capacity / 4) {
      tooLarge.add(key);
      return false;
    }
    if (!users.containsKey(layer)) {
      return true; // its last mount ended meanwhile: use it, do not keep it
    }
    Listing previous = listings.put(key, listing);
    names += listing.size() - (previous == null ? 0 : previous.size());
    for (Iterator<Listing> i = listings.values().iterator(); names > capacity && i.hasNext(); ) {
      names -= i.next().size();
      i.remove();
    }
    return true;
  }

  /** Drops every listing (the heap runs short); lookups read directories again as needed. */
  synchronized void shed() {
    listings.clear();
    tooLarge.clear();
    names = 0;
  }

  synchronized int names() {
    return names;
  }
}
