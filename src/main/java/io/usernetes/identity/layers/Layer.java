package io.usernetes.identity.layers;

import io.usernetes.identity.kernel.Attributes;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Fd;
import io.usernetes.identity.kernel.Open;
import io.usernetes.identity.kernel.OpenFlags;
import io.usernetes.identity.kernel.Xattrs;
import io.usernetes.identity.ownership.OverrideStat;
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
  private final AttributeStore attributes;
  private final LayerRoot identity;

  private Layer(int index, String path, Fd root, boolean writable, AttributeStore attributes, LayerRoot identity) {
    this.index = index;
    this.path = path;
    this.root = root;
    this.writable = writable;
    this.attributes = attributes;
    this.identity = identity;
  }

  /**
   * Opens a lower layer: it keeps owner and mode in overrides when containers-storage wrote one on
   * its root. Symlinks in the layer path itself are followed (podman passes {@code l/ID} links);
   * inside the layer nothing is.
   */
  public static Layer lower(int index, String path) throws ErrnoException {
    Fd root = Open.directory(path.getBytes(StandardCharsets.ISO_8859_1));
    LayerRoot identity;
    try {
      identity = LayerRoot.of(Attributes.statx(root));
    } catch (ErrnoException e) {
      root.close();
      throw e;
    }
    boolean override;
    try {
      override = Xattrs.getOrNull(root, OverrideStat.XATTR.getBytes(StandardCharsets.US_ASCII)) != null;
    } catch (ErrnoException e) {
      override = false; // a file system without user xattrs has no overrides either
    }
    return new Layer(index, path, root, false, override ? AttributeStore.lower(OverrideStat.XATTR) : AttributeStore.OWN,
        identity);
  }

  /**
   * Opens the upper layer; {@code overrideXattr} (or null) is where the mount was told to keep
   * owner and mode ({@code xattr_permissions}), whatever the layer itself carries.
   */
  public static Layer upper(String path, String overrideXattr) throws ErrnoException {
    Fd root = Open.directory(path.getBytes(StandardCharsets.ISO_8859_1));
    return new Layer(0, path, root, true, overrideXattr == null ? AttributeStore.OWN : AttributeStore.upper(overrideXattr),
        null);
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

  /** The lower layer's directory as the kernel knows it; null for the upper layer. */
  LayerRoot identity() {
    return identity;
  }

  /** Where this layer keeps the owner and mode of its objects. */
  public AttributeStore attributes() {
    return attributes;
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
