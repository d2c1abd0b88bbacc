package io.usernetes.identity.layers;

import io.usernetes.identity.kernel.Attributes;
import io.usernetes.identity.kernel.Entries;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Fd;
import io.usernetes.identity.kernel.Open;
import io.usernetes.identity.kernel.OpenFlags;
import io.usernetes.identity.kernel.Stat;
import io.usernetes.identity.kernel.Xattrs;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whiteouts and opaque directories in the formats fuse-overlayfs and the kernel overlay share.
 *
 * <p>Read: a name is deleted by a character device 0/0 of that name or a {@code .wh.NAME} file; a
 * directory is opaque when {@code trusted.overlay.opaque}, {@code user.overlay.opaque} or {@code
 * user.fuseoverlayfs.opaque} is {@code y}, or it holds {@code .wh..wh..opq}. Write: a 0/0 device,
 * falling back (for good, once refused) to {@code .wh.NAME}; opaque as an xattr plus the marker.
 */
public final class Whiteouts {
  private static final byte[][] OPAQUE_XATTRS = {
      bytes("trusted.overlay.opaque"), bytes("user.overlay.opaque"), bytes("user.fuseoverlayfs.opaque")};
  private static final byte[] TRUSTED_OPAQUE = OPAQUE_XATTRS[0];
  private static final byte[] USER_OPAQUE = OPAQUE_XATTRS[2];
  private static final byte[] YES = {'y'};

  private final AtomicBoolean deviceWhiteouts;

  /** @param deviceWhiteouts false forces {@code .wh.} files (as FUSE_OVERLAYFS_DISABLE_OVL_WHITEOUT) */
  public Whiteouts(boolean deviceWhiteouts) {
    this.deviceWhiteouts = new AtomicBoolean(deviceWhiteouts);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  public static boolean isWhiteoutDevice(Stat st) {
    return st.type() == Stat.S_IFCHR && st.rdevMajor() == 0 && st.rdevMinor() == 0;
  }

  /** True when {@code dir} (an O_PATH fd of a directory in a layer) holds {@code .wh.NAME}. */
  public static boolean hasWhiteoutFile(Fd dir, byte[] name) throws ErrnoException {
    try {
      return Attributes.exists(dir, OverlayNames.whiteoutOf(name));
    } catch (ErrnoException e) {
      if (e.errno() == ErrnoException.ENAMETOOLONG) {
        return false; // NAME is within 4 bytes of the limit: it cannot have a .wh. file
      }
      throw e;
    }
  }

  /** True when {@code dir} holds a whiteout of {@code name}, in either style. */
  public static boolean isWhitedOut(Fd dir, byte[] name) throws ErrnoException {
    Stat st = Attributes.statxOrNull(dir, name);
    return st != null && isWhiteoutDevice(st) || hasWhiteoutFile(dir, name);
  }

  /** True when directory {@code name} in {@code parent} hides the layers below it. */
  public static boolean isOpaque(Fd parent, byte[] name) throws ErrnoException {
    try (Fd dir = Open.openat(parent, name, OpenFlags.O_PATH | OpenFlags.O_DIRECTORY
        | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC, 0)) {
      for (byte[] xattr : OPAQUE_XATTRS) {
        byte[] v = Xattrs.getOrNull(dir, xattr);
        if (v != null && v.length > 0 && v[0] == 'y') {
          return true;
        }
      }
      return Attributes.exists(dir, OverlayNames.OPAQUE_MARKER);
    }
  }

  /** Makes a directory (an O_PATH fd) opaque: the xattr where allowed, and always the marker. */
  public void makeOpaque(Fd dir) throws ErrnoException {
    try {
      Xattrs.set(dir, TRUSTED_OPAQUE, YES, 0);
    } catch (ErrnoException e) {
      Xattrs.set(dir, USER_OPAQUE, YES, 0);
    }
    try (Fd marker = Open.openat(dir, OverlayNames.OPAQUE_MARKER,
        OpenFlags.O_WRONLY | OpenFlags.O_CREAT | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC, 0600)) {
      // an empty file is the whole marker
    }
  }

  /** Hides {@code name} of lower layers by a whiteout in {@code upperDir}. */
  public void create(Fd upperDir, byte[] name) throws ErrnoException {
    if (deviceWhiteouts.get()) {
      try {
        Entries.mknodat(upperDir, name, Stat.S_IFCHR, 0, 0);
        return;
      } catch (ErrnoException e) {
        if (e.errno() != ErrnoException.EPERM && e.errno() != ErrnoException.EOPNOTSUPP) {
          throw e;
        }
        deviceWhiteouts.set(false);
      }
    }
    createFile(upperDir, name);
  }

  /** Hides {@code name} by a {@code .wh.NAME} file, whatever style new whiteouts have. */
  public void createFile(Fd upperDir, byte[] name) throws ErrnoException {
    try (Fd f = Open.openat(upperDir, OverlayNames.whiteoutOf(name),
        OpenFlags.O_WRONLY | OpenFlags.O_CREAT | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC, 0700)) {
      // an empty file is the whole whiteout
    }
  }

  /** Removes any whiteout of {@code name} in {@code upperDir} (both styles); true if there was one. */
  public static boolean remove(Fd upperDir, byte[] name) throws ErrnoException {
    boolean removed = false;
    Stat st = Attributes.statxOrNull(upperDir, name);
    if (st != null && isWhiteoutDevice(st)) {
      Entries.unlinkat(upperDir, name, 0);
      removed = true;
    }
    if (hasWhiteoutFile(upperDir, name)) {
      Entries.unlinkat(upperDir, OverlayNames.whiteoutOf(name), 0);
      removed = true;
    }
    return removed;
  }

  /** Removes a {@code .wh.NAME} file, which a renamed-in object would otherwise stay hidden by. */
  public static void removeFile(Fd upperDir, byte[] name) throws ErrnoException {
    if (hasWhiteoutFile(upperDir, name)) {
      Entries.unlinkat(upperDir, OverlayNames.whiteoutOf(name), 0);
    }
  }

  /** Whether new whiteouts are character devices (false once mknod was refused). */
  public boolean usesDevices() {
    return deviceWhiteouts.get();
  }
}
