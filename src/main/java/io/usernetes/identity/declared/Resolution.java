package io.usernetes.identity.declared;

import java.util.List;

/**
 * The container id a host id stands for, and why. The shared answer of the mount program (which
 * records a new file's true owner only when it is {@link Source#isCertain() certain}) and the
 * supervisor (which answers {@code getuid} with it).
 */
public record Resolution(long host, long container, Source source, List<DeclaredId> candidates) {

  public enum Source {
    /** The host id lies in a pinned segment: exactly one container id maps there. */
    PINNED,
    /** Exactly one id the image declares maps to the host id. */
    DECLARED,
    /** Several declared ids map to the host id; {@code container} is the host id itself. */
    AMBIGUOUS,
    /** No declared id maps to the host id; {@code container} is the host id itself. */
    UNDECLARED;

    public boolean isCertain() {
      return this == PINNED || this == DECLARED;
    }
  }
}
