package io.usernetes.identity.supervisor;

/**
 * What the supervisor tells one thread: its container ids, for {@code getuid} (real),
 * {@code geteuid} (effective), {@code getresuid} (all three) and the same for gids, and its
 * supplementary groups for {@code getgroups}.
 */
public record VirtualIds(long ruid, long euid, long suid, long rgid, long egid, long sgid, long[] groups) {
  public VirtualIds {
    groups = groups.clone();
  }

  @Override
  public long[] groups() {
    return groups.clone();
  }

  /** The number of groups, without copying them. */
  public int groupCount() {
    return groups.length;
  }
}
