package io.usernetes.identity.mount.options;

/**
 * {@code redirect_dir=}: whether directories the kernel overlay renamed (its redirect xattrs) are
 * read where they came from, and whether renaming a directory with lower content writes one
 * (else it is {@code EXDEV}, and {@code mv} copies).
 */
public enum RedirectDir {
  /**
   * The default and fuse-overlayfs's only value; as the kernel's {@code off} where it is built
   * with {@code redirect_always_follow} (the usual build): redirects are followed, never created.
   */
  OFF,
  /** Redirects are followed, never created. */
  FOLLOW,
  /** Redirects are followed, and created when a directory with lower content is renamed. */
  ON,
  /** Redirects are ignored: every directory is read at its own path in every layer. */
  NOFOLLOW;

  public boolean follows() {
    return this != NOFOLLOW;
  }

  public boolean creates() {
    return this == ON;
  }
}
