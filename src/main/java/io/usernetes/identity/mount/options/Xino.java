package io.usernetes.identity.mount.options;

/**
 * fuse-overlayfs's {@code xino=}: how inode numbers are made when the layers are on different
 * file systems (on a single one the real inode numbers are used in every mode).
 */
public enum Xino {
  /** The default: opaque numbers, not stable across mounts. */
  OFF,
  /** Derive numbers from file handles where the file systems allow it, else as {@link #OFF}. */
  AUTO,
  /** Derive numbers from file handles; fail the mount where that is not possible. */
  ON
}
