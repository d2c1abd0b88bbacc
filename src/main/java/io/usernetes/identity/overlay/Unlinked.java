package io.usernetes.identity.overlay;

import io.usernetes.identity.layers.MergedPath;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Open files whose name was removed (unlinked, or renamed over), by the hidden name the FUSE
 * adapter gave them.
 *
 * <p>The overlay works on paths, and the kernel sends fstat, fchmod, fchown, futimens and the
 * xattr calls on a descriptor without its file handle. So the adapter, as libfuse 2's high-level
 * library did (without {@code hard_remove}), does not unlink an open file's last name: it renames
 * it to {@code .fuse_hiddenNNNNNNNNMMMMMMMM} in its directory, sends those calls with that path,
 * and unlinks it after the last release. The overlay moves such a file out of the layer into the
 * work directory instead (a lower file opened read-only stays where it is, whited out), and
 * answers the hidden name from there: the merged directory and the upper layer show nothing of
 * it, a killed daemon leaves it only where the next mount clears, and its owner record goes with
 * it.
 */
final class Unlinked {
  private static final byte[] PREFIX = ".fuse_hidden".getBytes(StandardCharsets.US_ASCII);
  private static final int HEX_DIGITS = 16;

  /**
   * Where a removed open file is kept: {@code name} in the work directory ({@code inWork}), else
   * in directory {@code parent} of lower layer {@code layer}; {@code holders} are the open files
   * on it.
   */
  record Kept(boolean inWork, int layer, byte[] parent, byte[] name, Set<OpenFile> holders) {}

  private final Map<String, Kept> kept = new ConcurrentHashMap<>();

  /** Whether {@code name} has the form of the hidden names (libfuse 2's form). */
  static boolean isHiddenName(byte[] name) {
    if (name.length != PREFIX.length + HEX_DIGITS) {
      return false;
    }
    for (int i = 0; i < name.length; i++) {
      byte b = name[i];
      if (i < PREFIX.length ? b != PREFIX[i] : Character.digit(b, 16) < 0 || Character.isUpperCase(b)) {
        return false;
      }
    }
    return true;
  }

  private static String key(byte[] path) {
    return new String(path, StandardCharsets.ISO_8859_1);
  }

  /** The file kept under {@code path}, or null (at once when there is none at all). */
  Kept get(byte[] path) {
    return kept.isEmpty() ? null : kept.get(key(path));
  }

  void keep(byte[] path, Kept k) {
    kept.put(key(path), k);
  }

  /** Forgets {@code path}; returns what was kept there, or null. */
  Kept remove(byte[] path) {
    return kept.isEmpty() ? null : kept.remove(key(path));
  }

  /** A directory was renamed: the adapter now names what was kept below {@code from} below {@code to}. */
  void moved(byte[] from, byte[] to) {
    for (String k : List.copyOf(kept.keySet())) {
      byte[] path = k.getBytes(StandardCharsets.ISO_8859_1);
      if (MergedPath.isWithin(path, from) && path.length > from.length) {
        byte[] rest = Arrays.copyOfRange(path, from.length, path.length);
        byte[] moved = new byte[to.length + rest.length];
        System.arraycopy(to, 0, moved, 0, to.length);
        System.arraycopy(rest, 0, moved, to.length, rest.length);
        kept.put(key(moved), kept.remove(k));
      }
    }
  }

  /** The path of the kept file {@code f} is open on, or null. */
  byte[] pathOf(OpenFile f) {
    for (Map.Entry<String, Kept> e : kept.entrySet()) {
      if (e.getValue().holders().contains(f)) {
        return e.getKey().getBytes(StandardCharsets.ISO_8859_1);
      }
    }
    return null;
  }

  /**
   * {@code f} was released. When the adapter lost its path ({@code pathLost}: the directory of a
   * hidden name was removed) it will never unlink the hidden name: returns, and forgets, the
   * files no open file holds any more.
   */
  List<Kept> released(OpenFile f, boolean pathLost) {
    List<Kept> gone = new ArrayList<>();
    if (kept.isEmpty()) {
      return gone;
    }
    kept.values().removeIf(k -> {
      boolean last = k.holders().remove(f) && k.holders().isEmpty() && pathLost;
      if (last) {
        gone.add(k);
      }
      return last;
    });
    return gone;
  }
}
