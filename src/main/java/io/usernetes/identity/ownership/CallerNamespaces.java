package io.usernetes.identity.ownership;

import io.usernetes.identity.idmap.UserNamespaceMap;
import io.usernetes.identity.kernel.Entries;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Fd;
import io.usernetes.identity.kernel.FileData;
import io.usernetes.identity.kernel.Open;
import io.usernetes.identity.kernel.OpenFlags;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

/**
 * The id a calling process means, read from its own user namespace: in a container's sparse
 * namespace (identity-runtime's) 1633 is 60000 and nobody else, where the image's account files
 * alone would call 1633 ambiguous (60000 and 1428 both hash there). The caller's map is read from
 * {@code /proc/PID/uid_map} or {@code gid_map} only when it is in another user namespace than the
 * mount; its lines say what each id of the mount's namespace is called there.
 *
 * <p>The caller is untrusted: a process can make a nested namespace of its own and name its id
 * anything there. So the mount believes the name only when it is one the map sends to the very
 * id stored ({@link #trueId}'s check), which a nested namespace can choose among the ids that
 * share a pool id — ids that are one user to the kernel anyway — and never beyond them.
 */
public final class CallerNamespaces {
  private static final int MAX_MAP = 16 * 1024;
  private final String ownNamespace;

  private CallerNamespaces(String ownNamespace) {
    this.ownNamespace = ownNamespace;
  }

  /** Compared with this process's user namespace (no caller is named when /proc cannot tell it). */
  public static CallerNamespaces forThisProcess() {
    return new CallerNamespaces(namespaceOf("self"));
  }

  /** Never names a caller's id (tests, and callers the mount cannot see). */
  public static CallerNamespaces none() {
    return new CallerNamespaces(null);
  }

  /**
   * The id that {@code localId} (an id of the mount's namespace) is in the user namespace of
   * process {@code pid}; empty when that is the mount's own namespace, when the process is gone,
   * or when its map does not name the id.
   */
  public OptionalLong nameIn(long pid, long localId, boolean gid) {
    if (pid <= 0 || ownNamespace == null) {
      return OptionalLong.empty();
    }
    // one /proc/PID handle for both reads: the namespace and the map are the same process's
    try (Fd proc = Open.directory(("/proc/" + pid).getBytes(StandardCharsets.US_ASCII))) {
      if (ownNamespace.equals(namespaceOf(proc))) {
        return OptionalLong.empty();
      }
      try (Fd map = Open.openat(proc, (gid ? "gid_map" : "uid_map").getBytes(StandardCharsets.US_ASCII),
          OpenFlags.O_RDONLY, 0)) {
        byte[] buf = new byte[MAX_MAP];
        int total = 0;
        int r;
        while (total < buf.length && (r = FileData.pread(map, buf, total, buf.length - total, total)) > 0) {
          total += r;
        }
        return UserNamespaceMap.parse(new String(buf, 0, total, StandardCharsets.US_ASCII)).toLocal(localId);
      }
    } catch (ErrnoException | IllegalArgumentException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * Whether process {@code pid} is in the mount's own user namespace: podman and
   * containers-storage are, containers under identity-runtime are not. In host mode those are
   * shown the ownership records read-only, so that a commit (containers-storage reads the
   * container through the mount) carries the true ids into the new layer.
   */
  public boolean shareNamespace(long pid) {
    if (pid <= 0 || ownNamespace == null) {
      return false;
    }
    return ownNamespace.equals(namespaceOf(Long.toString(pid)));
  }

  private static String namespaceOf(String pid) {
    try (Fd proc = Open.directory(("/proc/" + pid).getBytes(StandardCharsets.US_ASCII))) {
      return namespaceOf(proc);
    } catch (ErrnoException e) {
      return null;
    }
  }

  private static String namespaceOf(Fd proc) throws ErrnoException {
    return new String(Entries.readlinkat(proc, "ns/user".getBytes(StandardCharsets.US_ASCII)),
        StandardCharsets.US_ASCII);
  }
}
