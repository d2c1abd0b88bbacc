package io.usernetes.identity.userns;

import io.usernetes.identity.idmap.Ids;

/**
 * One line of a user namespace's id map, as an OCI config's {@code linux.uidMappings} entry and
 * {@code /proc/PID/uid_map} write it: the container ids {@code [containerId, containerId+size)}
 * are the parent namespace's ids {@code [hostId, hostId+size)}.
 *
 * <p>Not checked on construction, since lines also come from a config nobody has checked yet:
 * {@link ConfigMapping} sets aside the ones that are not {@link #isValid() valid}, and every line
 * of a {@link SparseIdMap} is.
 */
public record IdMappingLine(long containerId, long hostId, long size) {

  /** True when the kernel would take the line: not empty, both sides in 0..{@link Ids#MAX_ID}. */
  public boolean isValid() {
    return size >= 1 && containerId >= 0 && hostId >= 0
        && containerId <= Ids.MAX_ID - size + 1 && hostId <= Ids.MAX_ID - size + 1;
  }

  /** One past the last container id. */
  public long containerEnd() {
    return containerId + size;
  }

  /** One past the last host id. */
  public long hostEnd() {
    return hostId + size;
  }

  /** The line as {@code /proc/PID/uid_map} takes it: {@code CONTAINER HOST SIZE}. */
  @Override
  public String toString() {
    return containerId + " " + hostId + " " + size;
  }
}
