package io.usernetes.identity.layers;

import io.usernetes.identity.kernel.Attributes;
import io.usernetes.identity.kernel.Entries;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Fd;
import io.usernetes.identity.kernel.Open;
import io.usernetes.identity.kernel.OpenFlags;
import io.usernetes.identity.kernel.Stat;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code WORKDIR/work}: where new and copied-up objects are built, owner, mode, times and records
 * set, before one rename makes them appear in the upper layer ({@link #place}), where removed
 * objects go in the same step as their whiteout appears ({@link #hide}) before they are emptied,
 * and where files removed while open stay until they are closed ({@link #takeOut}).
 * A crash leaves at worst debris here, which the next mount clears, never a half-made or
 * half-removed object in the layer.
 */
public final class WorkDir implements AutoCloseable {
  private static final byte[] WORK = {'w', 'o', 'r', 'k'};

  private final Fd dir;
  private final AtomicLong counter = new AtomicLong();

  private WorkDir(Fd dir) {
    this.dir = dir;
  }

  /** Creates {@code WORKDIR/work} (0700) if needed and empties it. */
  public static WorkDir prepare(String workdir) throws ErrnoException {
    try (Fd base = Open.directory(workdir.getBytes(StandardCharsets.ISO_8859_1))) {
      try {
        Entries.mkdirat(base, WORK, 0700);
      } catch (ErrnoException e) {
        if (e.errno() != ErrnoException.EEXIST) {
          throw e;
        }
      }
      Fd work = Open.openat(base, WORK, OpenFlags.O_PATH | OpenFlags.O_DIRECTORY
          | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC, 0);
      Tree.removeContents(work);
      return new WorkDir(work);
    }
  }

  public Fd fd() {
    return dir;
  }

  /** A fresh name for a temporary object. */
  public byte[] temporaryName() {
    return ("#" + counter.incrementAndGet()).getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Renames the finished object {@code tmp} to {@code name} in {@code upperDir} in one step: over
   * nothing, or over what keeps the name free in the merged view — a whiteout device, or an
   * object a crash left hidden by a {@code .wh.} file — which is exchanged with it (a directory
   * cannot be renamed over a device) and removed. Then, when {@code whitedOut}, the {@code .wh.}
   * file goes, which would hide the new object; until then it stays hidden, whole.
   */
  public void place(byte[] tmp, Fd upperDir, byte[] name, boolean whitedOut) throws ErrnoException {
    try {
      Entries.renameat2(dir, tmp, upperDir, name, Entries.RENAME_NOREPLACE);
    } catch (ErrnoException e) {
      if (e.errno() != ErrnoException.EEXIST) {
        throw e;
      }
      Entries.renameat2(dir, tmp, upperDir, name, Entries.RENAME_EXCHANGE);
      discard(tmp);
    }
    if (whitedOut) {
      Whiteouts.removeFile(upperDir, name);
    }
  }

  /**
   * Replaces {@code name}, an object of the upper layer that lower layers show too, by a whiteout
   * in one step and then removes it with all it holds (see {@link #takeOut}).
   */
  public void hide(Fd upperDir, byte[] name, Whiteouts whiteouts) throws ErrnoException {
    discard(takeOut(upperDir, name, whiteouts, true));
  }

  /**
   * Moves {@code name}, an object of the upper layer, here and returns its name here; when
   * {@code whiteOut} (lower layers show the name too) a whiteout takes its place in the same
   * step. RENAME_WHITEOUT moves it and leaves a 0/0 device; where that is refused the {@code
   * .wh.} file comes first, so the name is hidden from then on, and the object is moved after (a
   * crash in between leaves it hidden, and {@link #place} replaces it when the name is made again).
   */
  public byte[] takeOut(Fd upperDir, byte[] name, Whiteouts whiteouts, boolean whiteOut) throws ErrnoException {
    byte[] tmp = temporaryName();
    if (whiteOut && whiteouts.usesDevices()) {
      try {
        Entries.renameat2(upperDir, name, dir, tmp, Entries.RENAME_WHITEOUT);
        return tmp;
      } catch (ErrnoException e) {
        if (e.errno() != ErrnoException.EINVAL && e.errno() != ErrnoException.EPERM
            && e.errno() != ErrnoException.EOPNOTSUPP) {
          throw e;
        }
      }
    }
    if (whiteOut) {
      whiteouts.createFile(upperDir, name);
    }
    Entries.renameat2(upperDir, name, dir, tmp, 0);
    return tmp;
  }

  /** A descriptor of this directory of the caller's own, to close when done. */
  public Fd reopen() throws ErrnoException {
    return Open.openat(dir, new byte[] {'.'}, OpenFlags.O_PATH | OpenFlags.O_DIRECTORY | OpenFlags.O_CLOEXEC, 0);
  }

  /**
   * Removes a temporary object after a failed build, whatever its type (a directory with what
   * was put in it). Best effort: what cannot be removed now is cleared at the next mount.
   */
  public void discard(byte[] tmp) {
    try {
      Stat st = Attributes.statxOrNull(dir, tmp);
      if (st == null) {
        return;
      }
      if (st.type() == Stat.S_IFDIR) {
        try (Fd d = Open.openat(dir, tmp, OpenFlags.O_PATH | OpenFlags.O_DIRECTORY | OpenFlags.O_NOFOLLOW
            | OpenFlags.O_CLOEXEC, 0)) {
          Tree.removeContents(d);
        }
        Entries.unlinkat(dir, tmp, Entries.AT_REMOVEDIR);
      } else {
        Entries.unlinkat(dir, tmp, 0);
      }
    } catch (ErrnoException ignored) {
      // debris in the work directory is cleared at the next mount
    }
  }

  @Override
  public void close() throws ErrnoException {
    dir.close();
  }
}
