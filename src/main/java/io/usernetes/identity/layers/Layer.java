package io.usernetes.identity.layers;

import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Fd;
import io.usernetes.identity.kernel.Open;
import io.usernetes.identity.kernel.OpenFlags;
import io.usernetes.identity.kernel.Xattrs;
import java.nio.charset.StandardCharsets;

/**
 * One layer directory, opened once at mount. Every access below it goes through {@link #dir},
 * which refuses symlinks and {@code ..} anywhere in the path (openat2 RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS), so nothing a layer contains can lead the daemon outside it.
 */
public final class Layer implements AutoCloseable {
  private static final int DIR_FLAGS = OpenFlags.O_PATH | OpenFlags.O_DIRECTORY | OpenFlags.O_CLOEXEC;

  private final int index;
  private final String path;
  private final Fd root;
  private final boolean writable;
  private final boolean overrideStat;

  private Layer(int index, String path, Fd root, boolean writable, boolean overrideStat) {
    this.index = index;
    this.path = path;
    this.root = root;
    this.writable = writable;
    this.overrideStat = overrideStat;
  }

  /**
   * Opens a layer directory. Symlinks in the layer path itself are followed (podman passes
   * {@code l/ID} links); inside the layer nothing is.
   */
  public static Layer open(int index, String path, boolean writable) throws ErrnoException {
    Fd root = Open.directory(path.getBytes(StandardCharsets.ISO_8859_1));
    boolean override;
    try {
      Xattrs.get(root, OverrideStat.XATTR.getBytes(StandardCharsets.US_ASCII));
      override = true;
    } catch (ErrnoException e) {
      override = false;
    }
    return new Layer(index, path, root, writable, override);
  }

  public int index() {
    return index;
  }

  public String path() {
    return path;
  }

  public boolean writable() {
    return writable;
  }

  /** Whether containers-storage wrote {@code user.containers.override_stat} in this layer. */
  public boolean usesOverrideStat() {
    return overrideStat;
  }

  /** An {@code O_PATH} descriptor of directory {@code rel} in this layer; the caller closes it. */
  public Fd dir(byte[] rel) throws ErrnoException {
    if (rel.length == 0) {
      return Open.openat(root, new byte[] {'.'}, DIR_FLAGS, 0);
    }
    return Open.beneath(root, rel, DIR_FLAGS, 0);
  }

  @Override
  public void close() throws ErrnoException {
    root.close();
  }

  @Override
  public String toString() {
    return (writable ? "upper " : "lower ") + index + " " + path;
  }
}
