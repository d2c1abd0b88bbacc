package io.usernetes.identity.ownership;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Paths as the kernel takes them: bytes separated by {@code /}, never decoded. Only what
 * {@code stat} and {@code tree} need: to split a path given on the command line into the
 * directory to open and the name to read in it, and to join names into the path a report shows.
 */
public final class PathBytes {
  private static final byte[] DOT = {'.'};
  private static final byte[] ROOT = {'/'};

  private PathBytes() {}

  /**
   * Without repeated and trailing slashes ({@code /} stays {@code /}), as java.nio.file showed
   * paths in these reports before; {@code .} and {@code ..} are kept, they are the kernel's.
   */
  public static byte[] normalize(byte[] path) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(path.length);
    for (int i = 0; i < path.length; i++) {
      if (path[i] != '/' || (i + 1 < path.length && path[i + 1] != '/')) {
        out.write(path[i]);
      }
    }
    byte[] normal = out.toByteArray();
    return normal.length == 0 && path.length > 0 ? ROOT.clone() : normal;
  }

  /**
   * The directory that holds the last name of a {@linkplain #normalize normal} path: {@code .}
   * for a bare name, {@code /} for a name just below it and for {@code /} itself.
   */
  public static byte[] parent(byte[] normal) {
    int slash = lastSlash(normal);
    if (slash < 0) {
      return DOT.clone();
    }
    return slash == 0 ? ROOT.clone() : Arrays.copyOf(normal, slash);
  }

  /** The last name of a {@linkplain #normalize normal} path; {@code .} for {@code /}. */
  public static byte[] name(byte[] normal) {
    if (Arrays.equals(normal, ROOT)) {
      return DOT.clone();
    }
    return Arrays.copyOfRange(normal, lastSlash(normal) + 1, normal.length);
  }

  /** {@code dir/name}, with one slash, for showing: nothing is opened by this path. */
  public static byte[] child(byte[] dir, byte[] name) {
    boolean slash = dir.length > 0 && dir[dir.length - 1] == '/';
    byte[] path = Arrays.copyOf(dir, dir.length + (slash ? 0 : 1) + name.length);
    if (!slash) {
      path[dir.length] = '/';
    }
    System.arraycopy(name, 0, path, path.length - name.length, name.length);
    return path;
  }

  private static int lastSlash(byte[] path) {
    for (int i = path.length - 1; i >= 0; i--) {
      if (path[i] == '/') {
        return i;
      }
    }
    return -1;
  }
}
