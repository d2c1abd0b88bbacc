package io.usernetes.identity.overlay;

import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Fd;
import io.usernetes.identity.kernel.Stat;
import io.usernetes.identity.layers.CopyUp;
import io.usernetes.identity.layers.LayerStack;
import io.usernetes.identity.layers.MergedPath;
import io.usernetes.identity.layers.Node;
import io.usernetes.identity.layers.OverlayNames;

/**
 * A merged path as one operation sees it, looked up once: its name, its parent's path and the
 * node it names (none when nothing shows there). An operation makes its {@code require…} checks
 * on it before it changes anything; the directories it opens through it (the object's layer
 * directory, or the upper one after copying up) are closed with it, on every path.
 */
final class Entry implements AutoCloseable {
  private final LayerStack stack;
  private final String call;
  final byte[] path;
  final byte[] parentPath;
  final byte[] name;
  private Node node;
  private Fd directory;
  private Fd upperDirectory;
  /** The removed open file this entry names (the adapter's hidden name for it), or null. */
  final Unlinked.Kept kept;

  private Entry(LayerStack stack, String call, byte[] path, Node node) {
    this.stack = stack;
    this.call = call;
    this.path = path;
    this.parentPath = MergedPath.parent(path);
    this.name = MergedPath.name(path);
    this.node = node;
    this.kept = null;
  }

  private Entry(LayerStack stack, String call, byte[] path, Unlinked.Kept kept, Fd directory) {
    this.stack = stack;
    this.call = call;
    this.path = path;
    this.parentPath = MergedPath.parent(path);
    this.name = kept.name();
    this.node = new Node(path, kept.layer(), Stat.S_IFREG, new int[] {kept.layer()});
    this.directory = directory;
    this.kept = kept;
  }

  /**
   * A removed open file by its hidden name, where it is kept: its {@code directory} (the work
   * directory or its lower layer's, closed with the entry) is also the one changes go to; one
   * kept in a lower layer cannot be copied up ({@code EEXIST}, as the kernel overlay: its
   * whiteout is in the way).
   */
  static Entry kept(LayerStack stack, String call, byte[] path, Unlinked.Kept kept, Fd directory) {
    return new Entry(stack, call, path, kept, directory);
  }

  /** The object at {@code path}; {@code ENOENT} when nothing shows there, {@code ENOTDIR} on the way. */
  static Entry existing(LayerStack stack, String call, byte[] path) throws ErrnoException {
    return new Entry(stack, call, path, stack.lookup(path));
  }

  /** The name {@code path}, whether or not something shows there (its parent must). */
  static Entry name(LayerStack stack, String call, byte[] path) throws ErrnoException {
    return new Entry(stack, call, path, stack.lookupOrNull(path));
  }

  private ErrnoException refused(int errno) {
    return new ErrnoException(errno, call, path);
  }

  boolean exists() {
    return node != null;
  }

  /** The node; the entry must exist. */
  Node node() throws ErrnoException {
    if (node == null) {
      throw refused(ErrnoException.ENOENT);
    }
    return node;
  }

  /**
   * For a new object: {@code ENAMETOOLONG} past {@code nameMax}, {@code EINVAL} for a reserved
   * name, {@code EEXIST} when something shows there.
   */
  Entry requireCreatable(int nameMax) throws ErrnoException {
    requireNameWithin(nameMax);
    if (OverlayNames.isReserved(name)) {
      throw refused(ErrnoException.EINVAL);
    }
    if (node != null) {
      throw refused(ErrnoException.EEXIST);
    }
    return this;
  }

  /** {@code ENAMETOOLONG} when the name is longer than {@code nameMax}. */
  Entry requireNameWithin(int nameMax) throws ErrnoException {
    if (name.length > nameMax) {
      throw refused(ErrnoException.ENAMETOOLONG);
    }
    return this;
  }

  Entry requireDirectory() throws ErrnoException {
    if (!node().isDirectory()) {
      throw refused(ErrnoException.ENOTDIR);
    }
    return this;
  }

  /** {@code errno} (EISDIR, EPERM…) when the entry is a directory. */
  Entry requireNotDirectory(int errno) throws ErrnoException {
    if (node().isDirectory()) {
      throw refused(errno);
    }
    return this;
  }

  /** {@code errno} when the entry's backing object is of {@code type}. */
  Entry requireNotType(int type, int errno) throws ErrnoException {
    if (node().type() == type) {
      throw refused(errno);
    }
    return this;
  }

  /**
   * The directory holding the object in the layer it lives in (its path there, which a renamed
   * directory above can make differ from {@link #parentPath}); closed with the entry.
   */
  Fd directory() throws ErrnoException {
    if (directory == null) {
      directory = stack.dir(node().layer(), node().layerParent());
    }
    return directory;
  }

  /** The node once it is in the upper layer, copied up (with its parents) if it was not. */
  Node copiedUp(CopyUp copyUp) throws ErrnoException {
    if (kept != null) {
      return keptInWork();
    }
    node = copyUp.ensureUpper(node());
    return node;
  }

  /**
   * The upper layer's directory of this name, its parent copied up first: where the object is
   * once {@link #copiedUp}, or where a new one goes. Closed with the entry.
   */
  Fd upperDirectory(CopyUp copyUp) throws ErrnoException {
    if (kept != null) {
      keptInWork();
      return directory;
    }
    if (upperDirectory == null) {
      Node parent = copyUp.ensureUpper(stack.lookup(parentPath));
      upperDirectory = stack.dir(stack.upper().index(), parent.path());
    }
    return upperDirectory;
  }

  private Node keptInWork() throws ErrnoException {
    if (!kept.inWork()) {
      throw refused(ErrnoException.EEXIST);
    }
    return node;
  }

  @Override
  public void close() throws ErrnoException {
    try {
      if (directory != null) {
        directory.close();
      }
    } finally {
      if (upperDirectory != null) {
        upperDirectory.close();
      }
    }
  }
}
