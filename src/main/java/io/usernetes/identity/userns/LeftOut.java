package io.usernetes.identity.userns;

/**
 * A container id a sparse map does not carry, and why. Every id asked for is either mapped or
 * named here exactly once: nothing is dropped silently. Inside the container such an id has no
 * kernel id of its own; what it gets is the supervisor's answer.
 *
 * @param detail one sentence for the log that names the other ids or lines involved
 */
public record LeftOut(long containerId, Reason reason, String detail) {

  public enum Reason {
    /** Not an id the kernel takes (0 to 4294967294). */
    INVALID_ID,
    /** Its host id is not in the config's own user-namespace mapping, so it cannot be expressed. */
    NOT_IN_CONFIG_MAPPING,
    /** Another id has the same host id and keeps it: a map must be one to one. */
    COLLISION,
    /** The map is at the kernel's limit of {@value SparseIdMap#MAX_LINES} lines. */
    LINE_LIMIT
  }

  @Override
  public String toString() {
    return containerId + ": " + detail;
  }
}
