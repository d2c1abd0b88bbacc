package io.usernetes.identity.ownership;

import io.usernetes.identity.kernel.Attributes;
import io.usernetes.identity.kernel.DirEntry;
import io.usernetes.identity.kernel.Entries;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Fd;
import io.usernetes.identity.kernel.Open;
import io.usernetes.identity.kernel.OpenFlags;
import io.usernetes.identity.kernel.Stat;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Walks a directory tree and takes an {@link OwnershipCensus}, depth first, each directory's names
 * in the file system's order.
 *
 * <p>The walk holds a descriptor of each directory on its way down and reaches every entry as a
 * name in its parent's descriptor, never as a path: names stay the kernel's bytes, a symlink is
 * never followed (a directory is opened with {@code O_NOFOLLOW}), and nothing renamed or swapped
 * during the walk can lead it outside the tree.
 */
public final class TreeScan {
  /** How often (in entries) progress is reported. */
  public static final long PROGRESS_EVERY = 10_000;

  private static final int DIRECTORY = OpenFlags.O_PATH | OpenFlags.O_DIRECTORY;

  private TreeScan() {}

  /**
   * @param root the tree's root; symlinks on the way to it are followed, but not the root itself
   * @param progress called with the number of entries seen so far, every {@link #PROGRESS_EVERY}
   * @throws ErrnoException when the root cannot be opened as a directory
   */
  public static OwnershipCensus scan(byte[] root, OwnershipInspector inspector, LongConsumer progress)
      throws ErrnoException {
    byte[] path = PathBytes.normalize(root);
    byte[] name = PathBytes.name(path);
    try (Fd parent = Open.directoryPath(PathBytes.parent(path))) {
      Fd top = Open.openat(parent, name, DIRECTORY, 0);
      Walk walk = new Walk(inspector, progress);
      walk.run(parent, name, path, top);
      return walk.census;
    }
  }

  /** Identifies a directory, to notice one that is its own ancestor (a bind mount loop). */
  private record DirId(int devMajor, int devMinor, long ino) {
    static DirId of(Stat stat) {
      return new DirId(stat.devMajor(), stat.devMinor(), stat.ino());
    }
  }

  /** A directory on the walk's way down, and how far its listing has been visited. */
  private static final class Level {
    final Fd fd;
    final byte[] path;
    final DirId id;
    final List<DirEntry> entries;
    int next;

    Level(Fd fd, byte[] path, DirId id, List<DirEntry> entries) {
      this.fd = fd;
      this.path = path;
      this.id = id;
      this.entries = entries;
    }
  }

  private static final class Walk {
    final OwnershipCensus census = new OwnershipCensus();
    final OwnershipInspector inspector;
    final LongConsumer progress;
    /** An explicit stack rather than recursion: trees may be deeper than the thread's stack. */
    final Deque<Level> levels = new ArrayDeque<>();
    final Set<DirId> onTheWay = new HashSet<>();

    Walk(OwnershipInspector inspector, LongConsumer progress) {
      this.inspector = inspector;
      this.progress = progress;
    }

    /** Visits the root, {@code name} in {@code parent} and open as {@code top}, and everything below. */
    void run(Fd parent, byte[] name, byte[] path, Fd top) {
      try {
        enter(top, path); // first, so that the finally below closes top whatever happens
        visit(parent, name, path);
        while (!levels.isEmpty()) {
          Level level = levels.peek();
          if (level.next == level.entries.size()) {
            leave();
            continue;
          }
          byte[] child = level.entries.get(level.next++).name();
          if (java.util.Arrays.equals(child, EntryRecords.DIRECTORY)) {
            continue; // the records of the directory's symlinks and special files, not a file of it
          }
          byte[] childPath = PathBytes.child(level.path, child);
          FileOwnership f = visit(level.fd, child, childPath);
          if (f != null && f.type() == FileType.DIRECTORY) {
            Fd fd;
            try {
              // O_NOFOLLOW: a directory swapped for a symlink since it was read is refused (ENOTDIR)
              fd = Open.openat(level.fd, child, DIRECTORY, 0);
            } catch (ErrnoException e) {
              unreadable(Unreadable.of(childPath, e));
              continue;
            }
            enter(fd, childPath);
          }
        }
      } finally {
        while (!levels.isEmpty()) {
          leave();
        }
      }
    }

    private FileOwnership visit(Fd dir, byte[] name, byte[] path) {
      FileOwnership f;
      try {
        f = inspector.inspect(dir, name, path);
      } catch (ErrnoException e) {
        unreadable(Unreadable.of(path, e));
        return null;
      }
      census.add(f);
      counted();
      return f;
    }

    /** Lists the directory open as {@code fd} and goes down into it; takes {@code fd} over. */
    private void enter(Fd fd, byte[] path) {
      DirId id;
      List<DirEntry> entries;
      try {
        id = DirId.of(Attributes.statx(fd)); // what was opened: the name may have changed since inspect
        // An inspection leaves the layer's access times as they were (where the caller may).
        entries = onTheWay.contains(id) ? null : Entries.list(fd, true);
      } catch (ErrnoException e) {
        close(fd);
        unreadable(Unreadable.of(path, e));
        return;
      }
      if (entries == null) {
        close(fd);
        unreadable(new Unreadable(path, "file system loop: the directory is also above it; not entered"));
        return;
      }
      onTheWay.add(id);
      levels.push(new Level(fd, path, id, entries));
    }

    private void leave() {
      Level level = levels.pop();
      onTheWay.remove(level.id);
      close(level.fd);
    }

    private void unreadable(Unreadable entry) {
      census.addUnreadable(entry);
      counted();
    }

    private void counted() {
      long seen = census.files() + census.unreadable().size();
      if (seen % PROGRESS_EVERY == 0) {
        progress.accept(seen);
      }
    }

    private static void close(Fd fd) {
      try {
        fd.close();
      } catch (ErrnoException e) {
        // an O_PATH descriptor: nothing was written through it, so nothing is lost
      }
    }
  }
}
