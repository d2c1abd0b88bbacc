package io.usernetes.identity.layers;

import io.usernetes.identity.ownership.OverrideStat;
import io.usernetes.identity.ownership.OwnershipRecord;

/**
 * The xattrs the mount keeps to itself. A container that could write its own ownership record or
 * owner override (a forged {@code 0:0:4755} is a setuid-root file) could make itself root, and one
 * that could write overlay metadata could reshape layers: so listxattr leaves these out, getxattr
 * says ENODATA, setxattr and removexattr say EPERM.
 */
public final class HiddenXattrs {
  private static final String[] PREFIXES = {
      "user.usernetes.", "user.fuseoverlayfs.", "trusted.overlay.", "user.overlay."};
  /** containers-storage's and fuse-overlayfs's owner overrides ({@link OverrideStat}). */
  private static final String[] NAMES = {OverrideStat.XATTR, "security.fuseoverlayfs.override_stat"};

  private HiddenXattrs() {}

  /** The ownership records of regular files and directories, which may be shown read-only. */
  private static final String[] RECORDS = {OwnershipRecord.UID_XATTR, OwnershipRecord.GID_XATTR};

  /** Whether {@code name} is an ownership record's (which {@code records} may show). */
  public static boolean isRecord(String name) {
    for (String r : RECORDS) {
      if (name.equals(r)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a raw listxattr result names an ownership record. */
  public static boolean listsRecord(byte[] raw) {
    int start = 0;
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == 0) {
        if (isRecord(new String(raw, start, i - start, java.nio.charset.StandardCharsets.ISO_8859_1))) {
          return true;
        }
        start = i + 1;
      }
    }
    return false;
  }

  /** Like {@link #isHidden(String)}, but the records themselves shown when {@code records}. */
  public static boolean isHidden(String name, boolean records) {
    return !(records && isRecord(name)) && isHidden(name);
  }

  public static boolean isHidden(String name) {
    for (String prefix : PREFIXES) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    for (String hidden : NAMES) {
      if (name.equals(hidden)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Filters a raw listxattr result (NUL-terminated names) in place order; returns the bytes to
   * report.
   */
  public static byte[] filterList(byte[] raw, int length) {
    return filterList(raw, length, false);
  }

  /** Like {@link #filterList(byte[], int)}, the records kept when {@code records}. */
  public static byte[] filterList(byte[] raw, int length, boolean records) {
    byte[] out = new byte[length];
    int o = 0;
    int start = 0;
    for (int i = 0; i < length; i++) {
      if (raw[i] == 0) {
        String name = new String(raw, start, i - start, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (!isHidden(name, records)) {
          System.arraycopy(raw, start, out, o, i - start + 1);
          o += i - start + 1;
        }
        start = i + 1;
      }
    }
    return java.util.Arrays.copyOf(out, o);
  }
}
