package io.usernetes.identity.mount.options;

/**
 * {@code redirect_dir=}: whether directories the kernel overlay renamed (its redirect xattrs) are
 * read where they came from. The mount never writes redirects yet, so {@code on} is refused:
 * renaming a directory with lower content stays {@code EXDEV}.
 */
public enum RedirectDir {
  /**
   * The default and fuse-overlayfs's only value; as the kernel's {@code off} where it is built
   * with {@code redirect_always_follow} (the usual build): redirects are followed, never created.
   */
  OFF,
  /** Redirects are followed, never created. */
  FOLLOW,
  /** Redirects are ignored: every directory is read at its own path in every layer. */
  NOFOLLOW;

  public boolean follows() {
    return this != NOFOLLOW;
  }
}
