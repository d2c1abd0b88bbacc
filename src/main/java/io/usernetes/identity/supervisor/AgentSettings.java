package io.usernetes.identity.supervisor;

import io.usernetes.identity.idmap.IdMap;
import java.nio.file.Path;
import java.util.Set;

/**
 * How an {@link Agent} runs.
 *
 * @param socket the {@code listenerPath}
 * @param allowedUids peers ({@code SO_PEERCRED} uid) allowed to hand over fds
 * @param uidMap the id map shared with the mount program
 * @param acknowledge write {@code ok\n} back after taking a listener (for {@code run}'s helper;
 *     OCI runtimes close without reading, which is harmless)
 */
public record AgentSettings(Path socket, Set<Long> allowedUids, IdMap uidMap, IdMap gidMap,
    boolean acknowledge) {
  public AgentSettings {
    allowedUids = Set.copyOf(allowedUids);
  }
}
