package io.usernetes.identity.cli;

import io.usernetes.identity.kernel.ProcessIds;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The {@code --allow-uid} of a daemon's socket: the peers it serves. */
final class PeerUids {
  private PeerUids() {}

  /** The uids given, or by default root and the daemon's own uid. */
  static Set<Long> of(List<String> given) {
    Set<Long> allowed = new LinkedHashSet<>();
    if (given == null || given.isEmpty()) {
      allowed.add(0L);
      allowed.add(ProcessIds.getuid());
    } else {
      for (String u : given) {
        allowed.add(ServeCommand.parseId(u.strip(), "--allow-uid"));
      }
    }
    return allowed;
  }
}
