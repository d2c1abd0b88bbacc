package io.usernetes.identity.ownership;

import io.usernetes.identity.declared.HostIdResolver;

/**
 * The ids the mounted image declares, as a {@link HostIdResolver} of the container's view, for the
 * translator of host mode. Reading them costs a lookup and a {@code statx} of the account file.
 */
@FunctionalInterface
public interface DeclaredAccounts {
  /** As the account file is now: for a decision that stores something. */
  HostIdResolver current();

  /** As recently read (the mount: within a second): for getattr, which must stay cheap. */
  default HostIdResolver recent() {
    return current();
  }
}
