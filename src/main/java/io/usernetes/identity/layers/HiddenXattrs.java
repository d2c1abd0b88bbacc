package io.usernetes.identity.layers;

import io.usernetes.identity.ownership.OverrideStat;

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
    byte[] out = new byte[length];
    int o = 0;
    int start = 0;
    for (int i = 0; i < length; i++) {
      if (raw[i] == 0) {
        String name = new String(raw, start, i - start, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (!isHidden(name)) {
          System.arraycopy(raw, start, out, o, i - start + 1);
          o += i - start + 1;
        }
        start = i + 1;
      }
    }
    return java.util.Arrays.copyOf(out, o);
  }
}
