package io.usernetes.identity.mount.options;

import java.util.Optional;

/**
 * fuse-overlayfs's {@code xattr_permissions=0|1|2}: where owner and mode live when the backing
 * files cannot carry them. With 1 or 2, chown and chmod write the xattr ({@code
 * uid:gid:octal-mode}) instead of touching the file. containers-storage asks for 2 when the
 * storage has {@code force_mask} set.
 */
public enum XattrPermissions {
  /** 0, the default: the backing files' own owner and mode. */
  NONE(null),
  /** 1: {@code security.fuseoverlayfs.override_stat}, which only a privileged mounter can write. */
  SECURITY("security.fuseoverlayfs.override_stat"),
  /** 2: {@code user.containers.override_stat}, the xattr containers-storage itself writes. */
  USER("user.containers.override_stat");

  private final String xattrName;

  XattrPermissions(String xattrName) {
    this.xattrName = xattrName;
  }

  /** The number used in the option. */
  public int number() {
    return ordinal();
  }

  /** The xattr that holds owner and mode, absent for {@link #NONE}. */
  public Optional<String> xattrName() {
    return Optional.ofNullable(xattrName);
  }

  /** The value for {@code 0}, {@code 1} or {@code 2}; empty for anything else. */
  static Optional<XattrPermissions> ofNumber(String text) {
    for (XattrPermissions p : values()) {
      if (Integer.toString(p.number()).equals(text)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
