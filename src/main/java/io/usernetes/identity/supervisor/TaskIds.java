package io.usernetes.identity.supervisor;

import io.usernetes.identity.idmap.UserNamespaceMap;
import java.util.Arrays;
import java.util.OptionalLong;

/**
 * The kernel ids of one thread: real, effective and saved uid and gid, and the supplementary
 * groups, as {@code /proc/TID/status} shows them ({@code Uid:}, {@code Gid:}, {@code Groups:}).
 *
 * <p>The file shows them in the <em>reader's</em> user namespace; {@link #toNamespace} turns them
 * into the ids the thread itself sees (what its real {@code getuid()} would return), through the
 * thread's own {@code uid_map}/{@code gid_map}.
 */
public record TaskIds(long[] uids, long[] gids, long[] groups) {
  /** The kernel's {@code overflowuid}: what a namespace shows for an id it cannot map. */
  public static final long OVERFLOW_ID = 65534;

  public TaskIds {
    uids = uids.clone();
    gids = gids.clone();
    groups = groups.clone();
  }

  public long ruid() {
    return uids[0];
  }

  public long euid() {
    return uids[1];
  }

  public long suid() {
    return uids[2];
  }

  public long rgid() {
    return gids[0];
  }

  public long egid() {
    return gids[1];
  }

  public long sgid() {
    return gids[2];
  }

  @Override
  public long[] groups() {
    return groups.clone();
  }

  /**
   * Parses the status file; the kernel writes it, so anything unexpected is an error, not data.
   *
   * @throws IllegalArgumentException without {@code Uid:}/{@code Gid:} lines of at least 3 ids
   */
  public static TaskIds parseStatus(String status) {
    long[] uids = null;
    long[] gids = null;
    long[] groups = new long[0];
    for (String line : status.split("\n")) {
      if (line.startsWith("Uid:")) {
        uids = numbers(line.substring(4));
      } else if (line.startsWith("Gid:")) {
        gids = numbers(line.substring(4));
      } else if (line.startsWith("Groups:")) {
        groups = numbers(line.substring(7));
      }
    }
    if (uids == null || gids == null || uids.length < 3 || gids.length < 3) {
      throw new IllegalArgumentException("no Uid:/Gid: lines in the status file");
    }
    return new TaskIds(Arrays.copyOf(uids, 3), Arrays.copyOf(gids, 3), groups);
  }

  private static long[] numbers(String text) {
    String t = text.strip();
    if (t.isEmpty()) {
      return new long[0];
    }
    return Arrays.stream(t.split("\\s+")).mapToLong(Long::parseLong).toArray();
  }

  /** The same ids as seen inside a user namespace with these maps; unmappable ids become 65534. */
  public TaskIds toNamespace(UserNamespaceMap uidMap, UserNamespaceMap gidMap) {
    return new TaskIds(local(uids, uidMap), local(gids, gidMap), local(groups, gidMap));
  }

  private static long[] local(long[] ids, UserNamespaceMap map) {
    long[] out = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      OptionalLong l = map.toLocal(ids[i]);
      out[i] = l.isPresent() ? l.getAsLong() : OVERFLOW_ID;
    }
    return out;
  }
}
