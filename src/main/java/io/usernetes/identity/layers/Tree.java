package io.usernetes.identity.layers;

import io.usernetes.identity.kernel.Attributes;
import io.usernetes.identity.kernel.DirEntry;
import io.usernetes.identity.kernel.Entries;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Fd;
import io.usernetes.identity.kernel.Open;
import io.usernetes.identity.kernel.OpenFlags;
import io.usernetes.identity.kernel.Stat;

/** Removal of directory contents inside a layer, never following symlinks. */
public final class Tree {
  private Tree() {}

  /** Removes everything inside {@code dir} (an O_PATH directory fd), depth first. */
  public static void removeContents(Fd dir) throws ErrnoException {
    for (DirEntry e : Entries.list(dir)) {
      Stat st = Attributes.statxOrNull(dir, e.name());
      if (st == null) {
        continue;
      }
      if (st.type() == Stat.S_IFDIR) {
        try (Fd sub = Open.openat(dir, e.name(), OpenFlags.O_PATH | OpenFlags.O_DIRECTORY
            | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC, 0)) {
          removeContents(sub);
        }
        Entries.unlinkat(dir, e.name(), Entries.AT_REMOVEDIR);
      } else {
        Entries.unlinkat(dir, e.name(), 0);
      }
    }
  }
}
