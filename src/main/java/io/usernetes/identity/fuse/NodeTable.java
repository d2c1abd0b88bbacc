package io.usernetes.identity.fuse;

import io.usernetes.identity.layers.MergedPath;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernel's inodes of the mount, by FUSE node id, and the names each is known by.
 *
 * <p>Every name of a hard-linked file in the writable layer is one node, found by its backing
 * inode ({@code linkKey}), so the kernel keeps one inode, one attribute cache and one page cache
 * for all of them, as on the kernel overlay: a change through one name shows through every other
 * at once. Everything else is one node per name, which is what lower-layer hard links are there
 * too (without {@code index}, a copy-up breaks them). The requests name nodes; the overlay works
 * on paths, so a node's path is built from its first name up through its parents.
 *
 * <p>The hidden names and open counts keep libfuse's high-level contract for files removed while
 * open (see {@code overlay.Unlinked}): such a file is renamed to {@code .fuse_hiddenNNNNNNNNMMMMMMMM}
 * and unlinked after its last release.
 *
 * <p>Not thread-safe on its own: the adapter calls it under its lock.
 */
final class NodeTable {
  static final long ROOT_ID = 1;

  /** A kernel inode: its names (the first is the one its path is built from) and counts. */
  static final class Node {
    final long id;
    /** Immutable, replaced on a change: most files have one name, and {@code List.of(name)} is one small object. */
    List<Name> names = List.of();
    long lookups;
    int opens;
    boolean hidden;
    /** The backing inode of a hard-linked file of the writable layer, else 0. */
    long linkKey;
    /**
     * libfuse's {@code auto_cache}: the size and mtime the kernel last heard while its page cache
     * of the file may stay, null while it may not (as for every file never opened: most nodes).
     */
    PageCacheStamp pages;

    private Node(long id) {
      this.id = id;
    }
  }

  /** A file's size and mtime as last reported to the kernel. */
  record PageCacheStamp(long size, long mtimeSeconds, int mtimeNanos) {
    boolean matches(long otherSize, long otherMtimeSeconds, int otherMtimeNanos) {
      return size == otherSize && mtimeSeconds == otherMtimeSeconds && mtimeNanos == otherMtimeNanos;
    }
  }

  /**
   * A name {@code name} in directory {@code parent}; also the key of {@link #byName} (a directory's
   * node is one object while the kernel knows it, so identity is the node id).
   */
  record Name(Node parent, String name) {}

  private final Map<Long, Node> byId = new HashMap<>();
  private final Map<Name, Node> byName = new HashMap<>();
  private final Map<Long, Node> byLinkKey = new HashMap<>();
  private final Node root = new Node(ROOT_ID);
  private long nextId = ROOT_ID + 1;
  private int hiddenCounter;

  NodeTable() {
    root.lookups = 1;
    byId.put(ROOT_ID, root);
  }

  static String name(byte[] name) {
    return new String(name, StandardCharsets.ISO_8859_1);
  }

  /** The node with {@code id}, or null when the kernel names one it was told to forget. */
  Node get(long id) {
    return byId.get(id);
  }

  /** The node known by {@code name} in {@code parent}, or null. */
  Node child(Node parent, String name) {
    return byName.get(new Name(parent, name));
  }

  int size() {
    return byId.size();
  }

  /**
   * The path of {@code n} in the merged tree, or null when it has none any more (it, or a
   * directory above it, was removed).
   */
  byte[] path(Node n) {
    if (n == root) {
      return MergedPath.ROOT;
    }
    List<String> parts = new ArrayList<>();
    int length = -1;
    for (Node cur = n; cur != root; ) {
      Name first = cur.names.isEmpty() ? null : cur.names.get(0);
      if (first == null || parts.size() > byId.size()) {
        return null;
      }
      if (first.parent() != root && byId.get(first.parent().id) != first.parent()) {
        // the kernel forgot that name's directory while another name kept the file
        return cur == n ? pathByAnyName(n) : null;
      }
      parts.add(first.name());
      length += first.name().length() + 1;
      cur = first.parent();
    }
    byte[] path = new byte[length];
    int at = 0;
    for (int i = parts.size() - 1; i >= 0; i--) {
      String part = parts.get(i);
      part.getBytes(0, part.length(), path, at); // Latin-1: one char per byte
      at += part.length();
      if (i > 0) {
        path[at++] = '/';
      }
    }
    return path;
  }

  /** The path of the first of {@code n}'s names whose directories are all still known. */
  private byte[] pathByAnyName(Node n) {
    for (Name nm : n.names) {
      if (nm.parent() == root || byId.get(nm.parent().id) == nm.parent()) {
        byte[] dir = path(nm.parent());
        if (dir != null) {
          return MergedPath.child(dir, nm.name().getBytes(StandardCharsets.ISO_8859_1));
        }
      }
    }
    return null;
  }

  /** The path of {@code name} in {@code parent}, or null when {@code parent} has none. */
  byte[] path(Node parent, byte[] name) {
    byte[] dir = path(parent);
    return dir == null ? null : MergedPath.child(dir, name);
  }

  /**
   * A lookup (or a creation) found {@code name} in {@code parent}: returns its node, one lookup
   * more. {@code linkKey} (0 for none) joins it to the node of the file's other names.
   */
  Node found(Node parent, String name, long linkKey) {
    Name key = new Name(parent, name);
    Node n = byName.get(key);
    if (n != null && (linkKey == 0 || n.linkKey == linkKey)) {
      n.lookups++;
      moveToFront(n, parent, name);
      return n;
    }
    if (n != null && n.linkKey == 0 && !byLinkKey.containsKey(linkKey)) {
      // the file got its second name since: this name's node is now the file's
      n.linkKey = linkKey;
      byLinkKey.put(linkKey, n);
      n.lookups++;
      return n;
    }
    if (n != null) {
      detach(n, key); // another file than the node's: the name moves to that file's node
    }
    n = linkKey == 0 ? null : byLinkKey.get(linkKey);
    if (n == null) {
      n = new Node(nextId++);
      byId.put(n.id, n);
      if (linkKey != 0) {
        n.linkKey = linkKey;
        byLinkKey.put(linkKey, n);
      }
    }
    // the name just looked up is the one known to exist: paths start from it
    n.names = inserted(n.names, 0, key);
    byName.put(key, n);
    n.lookups++;
    return n;
  }

  /** {@code n} got the new name {@code name} in {@code parent} (a link): one lookup more. */
  void linked(Node n, Node parent, String name, long linkKey) {
    Name key = new Name(parent, name);
    Node old = byName.get(key);
    if (old != null) {
      detach(old, key);
    }
    if (linkKey != 0 && n.linkKey != linkKey && !byLinkKey.containsKey(linkKey)) {
      if (n.linkKey != 0) {
        byLinkKey.remove(n.linkKey, n);
      }
      n.linkKey = linkKey;
      byLinkKey.put(linkKey, n);
    }
    n.names = inserted(n.names, n.names.size(), key);
    byName.put(key, n);
    n.lookups++;
  }

  /** {@code name} in {@code parent} was removed. */
  void removed(Node parent, String name) {
    Name key = new Name(parent, name);
    Node n = byName.get(key);
    if (n != null) {
      detach(n, key);
    }
  }

  /**
   * {@code name} in {@code parent} was renamed to {@code newName} in {@code newParent}: what was
   * known by the new name loses it. A rename between two names of one file changes nothing.
   */
  void renamed(Node parent, String name, Node newParent, String newName) {
    Name from = new Name(parent, name);
    Name to = new Name(newParent, newName);
    Node moved = byName.get(from);
    Node replaced = byName.get(to);
    if (moved != null && moved == replaced) {
      return;
    }
    if (replaced != null) {
      detach(replaced, to);
    }
    if (moved != null) {
      byName.remove(from);
      int at = moved.names.indexOf(from);
      if (at >= 0) {
        List<Name> names = new ArrayList<>(moved.names);
        names.set(at, to);
        moved.names = List.copyOf(names);
      }
      byName.put(to, moved);
    }
  }

  /** Whether removing {@code n}'s name must hide it: it is open and has no other name. */
  static boolean mustHide(Node n) {
    return n != null && n.opens > 0 && n.names.size() == 1;
  }

  /** The next hidden name for {@code n}, in libfuse's form. */
  String hiddenName(Node n) {
    return String.format(".fuse_hidden%08x%08x", n.id & 0xFFFF_FFFFL, hiddenCounter++);
  }

  /** {@code name} in {@code parent}, which named {@code n}, is now {@code hiddenName}. */
  void hidden(Node n, Node parent, String name, String hiddenName) {
    renamed(parent, name, parent, hiddenName);
    n.hidden = true;
  }

  /** One open file fewer on {@code n}: returns whether its hidden name is to be removed now. */
  boolean released(Node n) {
    n.opens--;
    if (n.hidden && n.opens == 0) {
      n.hidden = false;
      return true;
    }
    return false;
  }

  /** The kernel dropped {@code count} lookups of node {@code id}. */
  void forget(long id, long count) {
    Node n = byId.get(id);
    if (n == null || n == root) {
      return;
    }
    n.lookups -= count;
    if (n.lookups > 0) {
      return;
    }
    byId.remove(id);
    for (Name nm : n.names) {
      byName.remove(nm, n);
    }
    n.names = List.of();
    if (n.linkKey != 0) {
      byLinkKey.remove(n.linkKey, n);
    }
  }

  /** The name just found is the one known to exist: paths start from it. */
  private static void moveToFront(Node n, Node parent, String name) {
    int at = n.names.indexOf(new Name(parent, name));
    if (at > 0) {
      List<Name> names = new ArrayList<>(n.names);
      names.add(0, names.remove(at));
      n.names = List.copyOf(names);
    }
  }

  private void detach(Node n, Name key) {
    byName.remove(key, n);
    if (n.names.contains(key)) {
      List<Name> names = new ArrayList<>(n.names);
      names.remove(key);
      n.names = List.copyOf(names);
    }
  }

  private static List<Name> inserted(List<Name> names, int index, Name nm) {
    if (names.isEmpty()) {
      return List.of(nm);
    }
    List<Name> more = new ArrayList<>(names);
    more.add(index, nm);
    return List.copyOf(more);
  }
}
