package io.usernetes.identity.supervisor;

import io.usernetes.identity.idmap.UserNamespaceMap;
import io.usernetes.identity.kernel.Entries;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Fd;
import io.usernetes.identity.kernel.FileData;
import io.usernetes.identity.kernel.Open;
import io.usernetes.identity.kernel.OpenFlags;
import java.nio.charset.StandardCharsets;

/**
 * A handle on {@code /proc/TID} of a notifying thread. Opening it first and validating the
 * notification afterwards (ID_VALID) is what makes reads through it safe against PID reuse: the
 * directory fd is tied to the thread's {@code struct pid}, which is never reused; a thread that
 * died after the open makes every read fail with {@code ESRCH} instead of reading another process.
 */
final class ProcTask implements AutoCloseable {
  private static final int MAX_STATUS = 64 * 1024;
  private static final int MAX_MAP = 16 * 1024;

  private final long tid;
  private final Fd dir;

  private ProcTask(long tid, Fd dir) {
    this.tid = tid;
    this.dir = dir;
  }

  static ProcTask open(long tid) throws ErrnoException {
    return new ProcTask(tid, Open.directory(("/proc/" + tid).getBytes(StandardCharsets.US_ASCII)));
  }

  /** The thread's root directory; open it <em>before</em> validating the notification. */
  Fd root() throws ErrnoException {
    return root(tid);
  }

  /** {@link #root()} without the {@code /proc/TID} handle: for a caller that validates anyway. */
  static Fd root(long tid) throws ErrnoException {
    return Open.directory(("/proc/" + tid + "/root").getBytes(StandardCharsets.US_ASCII));
  }

  /** The thread's memory, for writing answers; open it <em>before</em> validating the notification. */
  Fd memory() throws ErrnoException {
    return Open.openat(dir, bytes("mem"), OpenFlags.O_RDWR, 0);
  }

  /** {@code ns/user}, e.g. {@code user:[4026531837]}: which user namespace the thread is in. */
  String userNamespace() throws ErrnoException {
    return new String(Entries.readlinkat(dir, bytes("ns/user")), StandardCharsets.US_ASCII);
  }

  /** The ids from {@code status}, in the reader's (our) user namespace. */
  TaskIds statusIds() throws ErrnoException {
    return statusIds(new byte[MAX_STATUS]);
  }

  /** {@link #statusIds()} reading through the caller's buffer (at least 4 KiB; reused per listener). */
  TaskIds statusIds(byte[] scratch) throws ErrnoException {
    try {
      return TaskIds.parseStatus(read("status", scratch));
    } catch (IllegalArgumentException e) {
      throw new ErrnoException(ErrnoException.EIO, "/proc/" + tid + "/status: " + e.getMessage());
    }
  }

  UserNamespaceMap map(boolean gid) throws ErrnoException {
    return map(mapText(gid), gid);
  }

  /**
   * The text of {@code uid_map} or {@code gid_map}: empty while nobody has written it yet. A map
   * can be written once only, so a non-empty map never changes; an empty one may.
   */
  String mapText(boolean gid) throws ErrnoException {
    return read(gid ? "gid_map" : "uid_map", new byte[MAX_MAP]);
  }

  UserNamespaceMap map(String text, boolean gid) throws ErrnoException {
    try {
      return UserNamespaceMap.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ErrnoException(ErrnoException.EIO, "/proc/" + tid + (gid ? "/gid_map: " : "/uid_map: ")
          + e.getMessage());
    }
  }

  /**
   * {@code ns/user} opened: holding it keeps the namespace, and so its inode number, from being
   * freed and given to a new namespace while a cache is keyed by that number.
   */
  Fd userNamespaceHandle() throws ErrnoException {
    return Open.procLink(dir, bytes("ns/user"), OpenFlags.O_RDONLY);
  }

  /** Scratch size that holds any status file. */
  static int statusBufferSize() {
    return MAX_STATUS;
  }

  private String read(String name, byte[] buf) throws ErrnoException {
    try (Fd f = Open.openat(dir, bytes(name), OpenFlags.O_RDONLY, 0)) {
      int max = buf.length;
      int total = 0;
      int r;
      // proc files are generated per read call; read at increasing positions until EOF
      while (total < max && (r = FileData.pread(f, buf, total, max - total, total)) > 0) {
        total += r;
      }
      return new String(buf, 0, total, StandardCharsets.US_ASCII);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() {
    try {
      dir.close();
    } catch (ErrnoException ignored) {
      // a /proc directory fd: nothing to flush, nothing to report
    }
  }
}
