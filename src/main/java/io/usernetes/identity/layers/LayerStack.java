package io.usernetes.identity.layers;

import io.usernetes.identity.kernel.Attributes;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Fd;
import io.usernetes.identity.kernel.Stat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The layers of one mount, top first (the upper layer, if any, is index 0), and the lookup of a
 * merged path through them: whiteouts end the search, a non-directory hides everything below it,
 * directories merge until one is opaque. A directory the kernel overlay renamed ({@link Redirect})
 * continues, in the layers below it, at the path it came from.
 *
 * <p>Resolved locations are cached per path (the most recently used, {@link ResolvedPaths}); the
 * mount is the only writer of its layers, so a cached location changes only through {@link
 * #forget} and {@link #remember}, which its mutating operations call. The cache holds where an
 * object lives, never its attributes.
 *
 * <p>Two more caches serve lookups: the {@code O_PATH} descriptors of recently used layer
 * directories ({@link #dir}), and the listings of lower-layer directories (names, types,
 * whiteouts), read once with {@code getdents64} and then answering every lookup of a child and
 * every readdir; those are shared by every mount of the process ({@link ListingCache}). Lower
 * layers are never written while mounted, so their listings stay true; the upper layer is always
 * asked directly.
 */
public final class LayerStack implements AutoCloseable {
  private final List<Layer> layers;
  private final Layer upper;
  private final Node root;
  private final int nameMax;
  private final boolean followRedirects;
  private final ResolvedPaths cache = new ResolvedPaths(RESOLVED_PATHS);
  private final DirCache dirs = new DirCache(DIR_CACHE);
  private final ListingCache listings = ListingCache.SHARED;

  /** Merged paths whose location is kept (~250 bytes each). */
  private static final int RESOLVED_PATHS = 8192;
  /** Directory descriptors kept open, over all layers. */
  private static final int DIR_CACHE = 1024;

  /** A stack that follows redirects (as {@code redirect_dir=follow}). */
  public LayerStack(List<Layer> layers) {
    this(layers, true);
  }

  /**
   * @param layers top first; the first is writable when the mount has an upper layer
   * @param followRedirects false reads every directory at its merged path in every layer
   */
  public LayerStack(List<Layer> layers, boolean followRedirects) {
    this.followRedirects = followRedirects;
    this.layers = List.copyOf(layers);
    this.upper = layers.get(0).writable() ? layers.get(0) : null;
    int[] all = new int[layers.size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    this.root = new Node(MergedPath.ROOT, 0, Node.S_IFDIR, rootLayers(all));
    this.nameMax = longestName();
    for (Layer l : this.layers) {
      if (!l.writable()) {
        listings.retain(l.identity());
      }
    }
  }

  /**
   * Drops what the mounts of this process share and can read again, the lower layers' listings:
   * the heap runs short. Lookups then read directories again as they need them.
   */
  public static void shedSharedCaches() {
    ListingCache.SHARED.shed();
  }

  /** The longest name any layer holds, the limit of lookups (the kernel overlay's too). */
  private int longestName() {
    long max = 0;
    for (Layer layer : layers) {
      try (Fd top = layer.dir(MergedPath.ROOT)) {
        max = Math.max(max, Attributes.fstatvfs(top).nameMax());
      } catch (ErrnoException e) {
        throw new IllegalStateException("cannot read layer " + layer, e);
      }
    }
    return (int) Math.min(max, Integer.MAX_VALUE);
  }

  /** The longest name a lookup accepts: longer ones are {@code ENAMETOOLONG}, in every layer. */
  public int nameMax() {
    return nameMax;
  }

  /** The root merges every layer down to the first whose root is opaque. */
  private int[] rootLayers(int[] all) {
    for (int i = 0; i < all.length - 1; i++) {
      try (Fd top = layers.get(i).dir(MergedPath.ROOT)) {
        if (Attributes.exists(top, OverlayNames.OPAQUE_MARKER)) {
          return Arrays.copyOf(all, i + 1);
        }
      } catch (ErrnoException e) {
        throw new IllegalStateException("cannot read layer " + layers.get(i), e);
      }
    }
    return all;
  }

  public List<Layer> layers() {
    return layers;
  }

  public Layer layer(int index) {
    return layers.get(index);
  }

  /** The writable layer, or null for a read-only mount. */
  public Layer upper() {
    return upper;
  }

  public boolean readOnly() {
    return upper == null;
  }

  public Node root() {
    return root;
  }

  /**
   * An {@code O_PATH} descriptor of directory {@code rel} in layer {@code index}, from the cache
   * of open directories (see {@link Layer#dir}); the caller closes it as usual.
   */
  public Fd dir(int index, byte[] rel) throws ErrnoException {
    return dirs.dir(layers.get(index), rel);
  }

  /**
   * The listing of directory {@code rel} in a lower layer; null for the upper layer and for a
   * directory too large to keep, whose names are then looked up one by one.
   */
  private Listing lowerListing(int index, byte[] rel) throws ErrnoException {
    Layer layer = layers.get(index);
    if (layer.writable()) {
      return null;
    }
    Listing l = listings.get(layer.identity(), rel);
    if (l == null) {
      if (listings.isTooLarge(layer.identity(), rel)) {
        return null;
      }
      try (Fd fd = dir(index, rel)) {
        l = Listing.read(fd, false);
      }
      if (!listings.put(layer.identity(), rel, l)) {
        return null;
      }
    }
    return l;
  }

  /** Resolves a merged path; {@code ENOENT} when no layer shows it, {@code ENOTDIR} on the way. */
  public Node lookup(byte[] path) throws ErrnoException {
    if (path.length == 0) {
      return root;
    }
    Node cached = cache.get(path); // the usual case: nothing to allocate
    if (cached != null) {
      return cached;
    }
    // up to the nearest directory still cached, then down: a loop, not a recursion, since the
    // cache is bounded and a tree may be deeper than a thread's stack
    java.util.ArrayDeque<byte[]> below = new java.util.ArrayDeque<>();
    below.push(path);
    Node node = root;
    for (byte[] p = MergedPath.parent(path); p.length > 0; p = MergedPath.parent(p)) {
      Node ancestor = cache.get(p);
      if (ancestor != null) {
        node = ancestor;
        break;
      }
      below.push(p);
    }
    while (!below.isEmpty()) {
      byte[] child = below.pop();
      if (!node.isDirectory()) {
        throw new ErrnoException(ErrnoException.ENOTDIR, "lookup", child);
      }
      node = resolveChild(node, child);
      cache.put(child, node);
    }
    return node;
  }

  /** Like {@link #lookup} but null when the path does not exist (its parent must). */
  public Node lookupOrNull(byte[] path) throws ErrnoException {
    try {
      return lookup(path);
    } catch (ErrnoException e) {
      if (e.errno() == ErrnoException.ENOENT && lookup(MergedPath.parent(path)).isDirectory()) {
        return null;
      }
      throw e;
    }
  }

  private Node resolveChild(Node parent, byte[] path) throws ErrnoException {
    byte[] name = MergedPath.name(path);
    if (name.length > nameMax) {
      // a lower layer's cached listing would only say "not there"
      throw new ErrnoException(ErrnoException.ENAMETOOLONG, "lookup", path);
    }
    if (OverlayNames.isReserved(name)) {
      throw new ErrnoException(ErrnoException.ENOENT, "lookup", path); // never shown
    }
    int top = -1;
    int topType = 0;
    byte[] topPath = null;
    int[] dirs = new int[layers.size()];
    byte[][] dirPaths = new byte[layers.size()][];
    int found = 0;
    int[] candidates = parent.dirLayers();
    byte[][] parentPaths = parent.layerPaths();
    byte[] lookFor = name; // the name in the layers below, once a relative redirect renamed it
    PathKey key = new PathKey(name);
    for (int c = 0; c < candidates.length; c++) {
      int index = candidates[c];
      byte[] parentPath = parentPaths[c];
      boolean lowerRemain = c + 1 < candidates.length;
      int type;
      try {
        Listing listing = lowerListing(index, parentPath);
        if (listing != null) {
          if (listing.hides(key)) {
            break;
          }
          type = listing.type(key);
          if (type == 0) {
            continue;
          }
        } else {
          try (Fd dir = dir(index, parentPath)) {
            Stat st = Attributes.statxOrNull(dir, lookFor);
            // a whiteout file only matters where it could hide something: next to an object,
            // or with lower layers below
            if ((st != null || lowerRemain) && Whiteouts.hasWhiteoutFile(dir, lookFor)) {
              break;
            }
            if (st == null) {
              continue;
            }
            if (Whiteouts.isWhiteoutDevice(st)) {
              break;
            }
            type = st.type();
          }
        }
      } catch (ErrnoException e) {
        if (e.errno() != ErrnoException.ENOENT && e.errno() != ErrnoException.ENOTDIR) {
          throw e;
        }
        continue;
      }
      boolean isDir = type == Node.S_IFDIR;
      if (top < 0) {
        top = index;
        topType = type;
        topPath = MergedPath.child(parentPath, lookFor);
      }
      if (!isDir) {
        break; // a non-directory hides what is below it; a lower one is hidden by the dir above
      }
      dirs[found] = index;
      dirPaths[found++] = MergedPath.child(parentPath, lookFor);
      // a redirect only matters with layers below; an absolute one reaches past the parent's
      Redirect redirect = followRedirects && index < lastLayer() ? redirectOf(index, parentPath, lookFor) : null;
      if (redirect == null) {
        // opacity only matters when a layer below would add a directory of this name
        if (lowerRemain && lowerShowsDirectory(candidates, parentPaths, c + 1, key)
            && isOpaque(index, parentPath, lookFor)) {
          break;
        }
        continue;
      }
      if (isOpaque(index, parentPath, lookFor)) {
        break; // opacity wins, as in the kernel overlay: its redirect is not even read
      }
      if (!redirect.absolute()) {
        lookFor = redirect.path();
        key = new PathKey(lookFor);
        continue;
      }
      Node lower = lookupBelow(redirect.path(), index);
      if (lower != null && lower.isDirectory()) {
        System.arraycopy(lower.dirLayers(), 0, dirs, found, lower.dirLayers().length);
        System.arraycopy(lower.layerPaths(), 0, dirPaths, found, lower.layerPaths().length);
        found += lower.dirLayers().length;
      }
      break;
    }
    if (top < 0) {
      throw new ErrnoException(ErrnoException.ENOENT, "lookup", path);
    }
    if (topType != Node.S_IFDIR) {
      return new Node(path, top, topType, new int[] {top}, new byte[][] {topPath});
    }
    return new Node(path, top, topType, Arrays.copyOf(dirs, found), Arrays.copyOf(dirPaths, found));
  }

  /**
   * The redirect that makes the layers below the upper one show what they show of directory
   * {@code dir} after a move, the one the kernel overlay writes: within its directory ({@code
   * sameDirectory}) the redirect it has already, else its own name; elsewhere an absolute one it
   * has already, else the absolute path where the layers below have it. Null when no one
   * redirect would do (a rename then stays {@code EXDEV}).
   */
  public Redirect redirectFor(Node dir, boolean sameDirectory) throws ErrnoException {
    Node lower = dir.below(upper.index());
    if (lower == null || !followRedirects) {
      return null;
    }
    if (dir.layer() == upper.index() && dir.path().length > 0) {
      Redirect existing = redirectOf(upper.index(), MergedPath.parent(dir.path()), MergedPath.name(dir.path()));
      if (existing != null && (sameDirectory || existing.absolute())) {
        return existing;
      }
      if (existing == null && sameDirectory) {
        return new Redirect(false, MergedPath.name(dir.path()));
      }
    } else if (sameDirectory) {
      return new Redirect(false, MergedPath.name(dir.path()));
    }
    byte[] path = lower.layerPaths()[0];
    Node found = path.length == 0 ? null : lookupBelow(path, upper.index());
    if (found == null || !Arrays.equals(found.dirLayers(), lower.dirLayers())
        || !Arrays.deepEquals(found.layerPaths(), lower.layerPaths())) {
      return null;
    }
    return new Redirect(true, path);
  }

  /** The index of the bottom layer, below which nothing can be redirected. */
  private int lastLayer() {
    return layers.size() - 1;
  }

  /** The redirect of directory {@code name} in layer {@code index}, or null (none, or not valid). */
  private Redirect redirectOf(int index, byte[] parentPath, byte[] name) throws ErrnoException {
    try (Fd dir = dir(index, parentPath)) {
      return Redirect.read(dir, name, () -> "directory " + MergedPath.show(MergedPath.child(parentPath, name))
          + " of " + layers.get(index));
    }
  }

  /**
   * What the layers below {@code index} show at {@code path}, looked up from their root: where
   * an absolute redirect in layer {@code index} sends them. Null when they show nothing there.
   * Each redirect on the way sends the lookup further down only, so there are no loops.
   */
  private Node lookupBelow(byte[] path, int index) throws ErrnoException {
    Node node = root.below(index);
    for (int i = 0; i <= path.length && node != null; i++) {
      if (i < path.length && path[i] != '/') {
        continue;
      }
      if (!node.isDirectory()) {
        return null;
      }
      try {
        node = resolveChild(node, Arrays.copyOf(path, i));
      } catch (ErrnoException e) {
        if (e.errno() != ErrnoException.ENOENT && e.errno() != ErrnoException.ENOTDIR
            && e.errno() != ErrnoException.ENAMETOOLONG) {
          throw e;
        }
        return null;
      }
    }
    return node;
  }

  /** Whether the first of {@code candidates[from..]} showing {@code name} shows a directory. */
  private boolean lowerShowsDirectory(int[] candidates, byte[][] parentPaths, int from, PathKey name)
      throws ErrnoException {
    for (int c = from; c < candidates.length; c++) {
      Listing listing;
      try {
        listing = lowerListing(candidates[c], parentPaths[c]);
      } catch (ErrnoException e) {
        if (e.errno() != ErrnoException.ENOENT && e.errno() != ErrnoException.ENOTDIR) {
          throw e;
        }
        continue;
      }
      if (listing == null) {
        return true; // cannot tell cheaply: ask the directory itself
      }
      if (listing.hides(name)) {
        return false;
      }
      int type = listing.type(name);
      if (type != 0) {
        return type == Node.S_IFDIR;
      }
    }
    return false;
  }

  private boolean isOpaque(int index, byte[] parentPath, byte[] name) throws ErrnoException {
    try (Fd dir = dir(index, parentPath)) {
      return Whiteouts.isOpaque(dir, name);
    }
  }

  /**
   * True when a layer below {@code layerIndex} still shows {@code name} in {@code parent}: removing
   * or renaming the object above then needs a whiteout.
   */
  public boolean visibleBelow(Node parent, byte[] name, int layerIndex) throws ErrnoException {
    Node below = parent.below(layerIndex);
    if (below == null) {
      return false;
    }
    try {
      resolveChild(below, MergedPath.child(parent.path(), name));
      return true;
    } catch (ErrnoException e) {
      if (e.errno() == ErrnoException.ENOENT) {
        return false;
      }
      throw e;
    }
  }

  /** One entry of a merged directory listing. */
  public record Listed(byte[] name, int dtype) {}

  /**
   * The merged listing of a directory: each name once, from the topmost layer showing it,
   * without whiteouts, whited-out names or reserved {@code .wh.} names.
   */
  public List<Listed> list(Node dir) throws ErrnoException {
    Map<PathKey, Listed> shown = new LinkedHashMap<>();
    Set<PathKey> hidden = new HashSet<>();
    for (int c = 0; c < dir.dirLayers().length; c++) {
      int index = dir.dirLayers()[c];
      byte[] rel = dir.layerPaths()[c];
      Listing listing;
      try {
        listing = lowerListing(index, rel);
        if (listing == null) {
          try (Fd fd = dir(index, rel)) {
            listing = Listing.read(fd, true);
          }
        }
      } catch (ErrnoException e) {
        if (e.errno() != ErrnoException.ENOENT && e.errno() != ErrnoException.ENOTDIR) {
          throw e;
        }
        continue;
      }
      for (Listing.Named e : listing.entries()) {
        if (!hidden.contains(e.key())) {
          shown.putIfAbsent(e.key(), new Listed(e.key().path(), e.dtype()));
        }
      }
      hidden.addAll(listing.hidden());
    }
    return new ArrayList<>(shown.values());
  }

  /** True when a merged directory shows no entries. */
  public boolean isEmpty(Node dir) throws ErrnoException {
    return list(dir).isEmpty();
  }

  /** Records where a path now lives (after a create or copy-up). */
  public void remember(Node node) {
    if (node.path().length > 0) {
      cache.put(node.path(), node);
    }
  }

  /** Forgets a path (after unlink, rename, or a change of where it lives). */
  public void forget(byte[] path) {
    cache.remove(path);
  }

  /** Forgets a directory and everything below it (rmdir, rename of a directory). */
  public void forgetTree(byte[] path) {
    dirs.forgetTree(path);
    cache.removeTree(path);
  }

  @Override
  public void close() throws ErrnoException {
    dirs.clear();
    for (Layer l : layers) {
      if (!l.writable()) {
        listings.release(l.identity());
      }
    }
    for (Layer l : layers) {
      l.close();
    }
  }
}
