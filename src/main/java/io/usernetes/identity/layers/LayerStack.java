package io.usernetes.identity.layers;

import io.usernetes.identity.kernel.Attributes;
import io.usernetes.identity.kernel.DirEntry;
import io.usernetes.identity.kernel.Entries;
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
import java.util.concurrent.ConcurrentHashMap;

/**
 * The layers of one mount, top first (the upper layer, if any, is index 0), and the lookup of a
 * merged path through them: whiteouts end the search, a non-directory hides everything below it,
 * directories merge until one is opaque.
 *
 * <p>Resolved locations are cached per path; the mount is the only writer of its layers, so the
 * cache changes only through {@link #forget} and {@link #remember}, which its mutating operations
 * call. The cache holds where an object lives, never its attributes.
 */
public final class LayerStack implements AutoCloseable {
  private final List<Layer> layers;
  private final Layer upper;
  private final Node root;
  private final Map<PathKey, Node> cache = new ConcurrentHashMap<>();

  /** @param layers top first; the first is writable when the mount has an upper layer */
  public LayerStack(List<Layer> layers) {
    this.layers = List.copyOf(layers);
    this.upper = layers.get(0).writable() ? layers.get(0) : null;
    int[] all = new int[layers.size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    this.root = new Node(MergedPath.ROOT, 0, Node.S_IFDIR, rootLayers(all));
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

  /** Resolves a merged path; {@code ENOENT} when no layer shows it, {@code ENOTDIR} on the way. */
  public Node lookup(byte[] path) throws ErrnoException {
    if (path.length == 0) {
      return root;
    }
    Node cached = cache.get(new PathKey(path));
    if (cached != null) {
      return cached;
    }
    Node parent = lookup(MergedPath.parent(path));
    if (!parent.isDirectory()) {
      throw new ErrnoException(ErrnoException.ENOTDIR, "lookup", path);
    }
    Node node = resolveChild(parent, path);
    cache.put(new PathKey(path), node);
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
    if (OverlayNames.isReserved(name)) {
      throw new ErrnoException(ErrnoException.ENOENT, "lookup", path); // never shown
    }
    int top = -1;
    int topType = 0;
    List<Integer> dirs = new ArrayList<>(2);
    int[] candidates = parent.dirLayers();
    for (int c = 0; c < candidates.length; c++) {
      Layer layer = layers.get(candidates[c]);
      try (Fd dir = layer.dir(parent.path())) {
        if (Whiteouts.hasWhiteoutFile(dir, name)) {
          break;
        }
        Stat st = Attributes.statxOrNull(dir, name);
        if (st == null) {
          continue;
        }
        if (Whiteouts.isWhiteoutDevice(st)) {
          break;
        }
        boolean isDir = st.type() == Node.S_IFDIR;
        if (top < 0) {
          top = layer.index();
          topType = st.type();
        } else if (!isDir) {
          break; // a lower non-directory is hidden by the directory above it
        }
        if (!isDir) {
          break;
        }
        dirs.add(layer.index());
        boolean lowerRemain = c + 1 < candidates.length;
        if (lowerRemain && Whiteouts.isOpaque(dir, name)) {
          break;
        }
      } catch (ErrnoException e) {
        if (e.errno() != ErrnoException.ENOENT && e.errno() != ErrnoException.ENOTDIR) {
          throw e;
        }
      }
    }
    if (top < 0) {
      throw new ErrnoException(ErrnoException.ENOENT, "lookup", path);
    }
    int[] dirLayers = topType == Node.S_IFDIR
        ? dirs.stream().mapToInt(Integer::intValue).toArray()
        : new int[] {top};
    return new Node(path, top, topType, dirLayers);
  }

  /**
   * True when a layer below {@code layerIndex} still shows {@code name} in {@code parent}: removing
   * or renaming the object above then needs a whiteout.
   */
  public boolean visibleBelow(Node parent, byte[] name, int layerIndex) throws ErrnoException {
    int[] lower = Arrays.stream(parent.dirLayers()).filter(i -> i > layerIndex).toArray();
    if (lower.length == 0) {
      return false;
    }
    Node below = new Node(parent.path(), lower[0], parent.type(), lower);
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
    for (int index : dir.dirLayers()) {
      Layer layer = layers.get(index);
      List<DirEntry> entries;
      try (Fd fd = layer.dir(dir.path())) {
        entries = Entries.list(fd);
        Set<PathKey> hiddenHere = new HashSet<>();
        for (DirEntry e : entries) {
          byte[] name = e.name();
          byte[] whited = OverlayNames.hiddenBy(name);
          if (whited != null) {
            hiddenHere.add(new PathKey(whited));
            continue;
          }
          if (OverlayNames.isReserved(name)) {
            continue;
          }
          PathKey key = new PathKey(name);
          if (hidden.contains(key) || shown.containsKey(key)) {
            continue;
          }
          if (e.type() == DirEntry.DT_CHR || e.type() == DirEntry.DT_UNKNOWN) {
            Stat st = Attributes.statxOrNull(fd, name);
            if (st == null) {
              continue;
            }
            if (Whiteouts.isWhiteoutDevice(st)) {
              hiddenHere.add(key);
              continue;
            }
          }
          shown.put(key, new Listed(name, e.type()));
        }
        hidden.addAll(hiddenHere);
      } catch (ErrnoException e) {
        if (e.errno() != ErrnoException.ENOENT && e.errno() != ErrnoException.ENOTDIR) {
          throw e;
        }
      }
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
      cache.put(new PathKey(node.path()), node);
    }
  }

  /** Forgets a path (after unlink, rename, or a change of where it lives). */
  public void forget(byte[] path) {
    cache.remove(new PathKey(path));
  }

  /** Forgets a directory and everything below it (rmdir, rename of a directory). */
  public void forgetTree(byte[] path) {
    if (path.length == 0) {
      cache.clear();
      return;
    }
    cache.keySet().removeIf(k -> MergedPath.isWithin(k.path(), path));
  }

  @Override
  public void close() throws ErrnoException {
    for (Layer l : layers) {
      l.close();
    }
  }
}
