package io.usernetes.identity.supervisor;

import io.usernetes.identity.idmap.IdMap;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * How an {@link Agent} runs.
 *
 * @param socket the {@code listenerPath}
 * @param allowedUids peers ({@code SO_PEERCRED} uid) allowed to hand over fds
 * @param uidMap the id map shared with the mount program
 * @param acknowledge write {@code ok\n} back after taking a listener (for {@code run}'s helper;
 *     OCI runtimes close without reading, which is harmless)
 * @param handoffTimeout how long a peer may take to send its whole state message
 */
public record AgentSettings(Path socket, Set<Long> allowedUids, IdMap uidMap, IdMap gidMap,
    boolean acknowledge, Duration handoffTimeout) {
  /** Runtimes send their message at once; a peer still silent after this is not a runtime. */
  public static final Duration DEFAULT_HANDOFF_TIMEOUT = Duration.ofSeconds(10);

  public AgentSettings {
    allowedUids = Set.copyOf(allowedUids);
    if (handoffTimeout.isNegative() || handoffTimeout.isZero()) {
      throw new IllegalArgumentException("handoff timeout must be positive");
    }
  }

  public AgentSettings(Path socket, Set<Long> allowedUids, IdMap uidMap, IdMap gidMap, boolean acknowledge) {
    this(socket, allowedUids, uidMap, gidMap, acknowledge, DEFAULT_HANDOFF_TIMEOUT);
  }
}
