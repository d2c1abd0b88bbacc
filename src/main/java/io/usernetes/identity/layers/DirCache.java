package io.usernetes.identity.layers;

import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Fd;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code O_PATH} descriptors of recently used layer directories, so that naming an object is
 * one {@code statx} (or open) relative to its directory instead of openat2 + the call + close.
 * Each descriptor was opened by {@link Layer#dir} (beneath the layer root, no symlinks).
 *
 * <p>Holders get a {@link Fd#view view} and close it as before. A descriptor is reference
 * counted (one reference for the cache, one per view in use): evicting it (least recently used
 * beyond the capacity) or forgetting it (the mount removed or renamed the directory) drops the
 * cache's reference, and the number is closed once the last view is closed, so a concurrent
 * holder never sees its descriptor closed or reused under it.
 */
final class DirCache {
  private record Key(int layer, PathKey path) {}

  private static final class Entry implements Runnable {
    final Fd fd;
    final AtomicInteger refs = new AtomicInteger(1);

    Entry(Fd fd) {
      this.fd = fd;
    }

    /** A view for one holder, or null when the entry was already released for good. */
    Fd borrow() {
      for (int r = refs.get(); r > 0; r = refs.get()) {
        if (refs.compareAndSet(r, r + 1)) {
          return fd.view(this);
        }
      }
      return null;
    }

    @Override
    public void run() {
      if (refs.decrementAndGet() == 0) {
        try {
          fd.close();
        } catch (ErrnoException ignored) {
          // an O_PATH descriptor: close cannot fail in a way that matters here
        }
      }
    }
  }

  private final int capacity;
  private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);

  DirCache(int capacity) {
    this.capacity = capacity;
  }

  /** Directory {@code rel} of {@code layer}; the caller closes the returned descriptor. */
  Fd dir(Layer layer, byte[] rel) throws ErrnoException {
    Key key = new Key(layer.index(), new PathKey(rel));
    Entry cached;
    synchronized (this) {
      cached = entries.get(key);
    }
    if (cached != null) {
      Fd view = cached.borrow();
      if (view != null) {
        return view;
      }
    }
    Entry fresh = new Entry(layer.dir(rel));
    Fd view = fresh.borrow();
    List<Entry> released = new ArrayList<>(1);
    synchronized (this) {
      Entry previous = entries.put(key, fresh);
      if (previous != null) {
        released.add(previous);
      }
      Iterator<Entry> eldest = entries.values().iterator();
      while (entries.size() > capacity && eldest.hasNext()) {
        released.add(eldest.next());
        eldest.remove();
      }
    }
    released.forEach(Entry::run);
    return view;
  }

  /** Forgets the directories at or below {@code path} in every layer (rmdir, rename). */
  void forgetTree(byte[] path) {
    List<Entry> released = new ArrayList<>();
    synchronized (this) {
      for (Iterator<Map.Entry<Key, Entry>> i = entries.entrySet().iterator(); i.hasNext(); ) {
        Map.Entry<Key, Entry> e = i.next();
        if (MergedPath.isWithin(e.getKey().path().path(), path)) {
          released.add(e.getValue());
          i.remove();
        }
      }
    }
    released.forEach(Entry::run);
  }

  void clear() {
    List<Entry> released;
    synchronized (this) {
      released = new ArrayList<>(entries.values());
      entries.clear();
    }
    released.forEach(Entry::run);
  }
}
