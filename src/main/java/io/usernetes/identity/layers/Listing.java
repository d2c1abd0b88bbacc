package io.usernetes.identity.layers;

import io.usernetes.identity.kernel.Attributes;
import io.usernetes.identity.kernel.DirEntry;
import io.usernetes.identity.kernel.Entries;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Fd;
import io.usernetes.identity.kernel.Stat;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one layer's directory says about its names: every visible name with its type, in the
 * file system's order, and the names its whiteouts ({@code .wh.NAME} files and 0/0 devices)
 * hide in the layers below. Reserved {@code .wh.} names are never listed.
 */
final class Listing {
  /** A listed name with its {@code DT_*} type for readdir and its {@code S_IF*} type. */
  record Named(PathKey key, int dtype, int type) {}

  private final List<Named> entries;
  private final Map<PathKey, Named> byName;
  private final Set<PathKey> hidden;

  private Listing(List<Named> entries, Map<PathKey, Named> byName, Set<PathKey> hidden) {
    this.entries = entries;
    this.byName = byName;
    this.hidden = hidden;
  }

  /**
   * Reads the directory {@code dir} (an O_PATH descriptor) with getdents64; {@code forReader}
   * false for a listing the mount reads for its own lookups, which leaves the access time alone.
   */
  static Listing read(Fd dir, boolean forReader) throws ErrnoException {
    List<DirEntry> list = Entries.list(dir, !forReader);
    List<Named> entries = new ArrayList<>(list.size());
    Map<PathKey, Named> byName = new HashMap<>(Math.max(16, list.size() * 4 / 3 + 1));
    Set<PathKey> hidden = new HashSet<>();
    for (DirEntry e : list) {
      byte[] name = e.name();
      byte[] whited = OverlayNames.hiddenBy(name);
      if (whited != null) {
        hidden.add(new PathKey(whited));
        continue;
      }
      if (OverlayNames.isReserved(name)) {
        continue;
      }
      PathKey key = new PathKey(name);
      int type = typeOf(e.type());
      if (type == 0 || type == Stat.S_IFCHR) {
        Stat st = Attributes.statxOrNull(dir, name); // DT_UNKNOWN, or a device that may be a whiteout
        if (st == null) {
          continue;
        }
        if (Whiteouts.isWhiteoutDevice(st)) {
          hidden.add(key);
          continue;
        }
        type = st.type();
      }
      Named named = new Named(key, e.type(), type);
      byName.put(key, named);
      entries.add(named);
    }
    return new Listing(entries, byName, hidden);
  }

  /** The {@code S_IF*} type of {@code name} here, 0 when this layer does not show it. */
  int type(PathKey name) {
    Named n = byName.get(name);
    return n == null ? 0 : n.type();
  }

  /** Whether a whiteout here hides {@code name} of the layers below. */
  boolean hides(PathKey name) {
    return hidden.contains(name);
  }

  List<Named> entries() {
    return entries;
  }

  Set<PathKey> hidden() {
    return hidden;
  }

  int size() {
    return entries.size() + hidden.size();
  }

  private static int typeOf(int dtype) {
    return switch (dtype) {
      case DirEntry.DT_FIFO -> Stat.S_IFIFO;
      case DirEntry.DT_CHR -> Stat.S_IFCHR;
      case DirEntry.DT_DIR -> Stat.S_IFDIR;
      case DirEntry.DT_BLK -> Stat.S_IFBLK;
      case DirEntry.DT_REG -> Stat.S_IFREG;
      case DirEntry.DT_LNK -> Stat.S_IFLNK;
      case DirEntry.DT_SOCK -> Stat.S_IFSOCK;
      default -> 0;
    };
  }
}
