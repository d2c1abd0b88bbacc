package io.usernetes.identity.layers;

import java.util.Arrays;

/**
 * A path inside the merged tree as raw bytes, relative to the root: {@code a/b/c}, the empty array
 * for the root. The same relative path names the object in every layer.
 */
public final class MergedPath {
  public static final byte[] ROOT = new byte[0];
  private static final byte[] DOT = {'.'};

  private MergedPath() {}

  public static boolean isRoot(byte[] path) {
    return path.length == 0;
  }

  /** The parent directory; the root's parent is the root. */
  public static byte[] parent(byte[] path) {
    int slash = lastSlash(path);
    return slash < 0 ? ROOT : Arrays.copyOf(path, slash);
  }

  /** The last component; {@code .} for the root, so (parent, name) names the root too. */
  public static byte[] name(byte[] path) {
    if (path.length == 0) {
      return DOT;
    }
    return Arrays.copyOfRange(path, lastSlash(path) + 1, path.length);
  }

  public static byte[] child(byte[] dir, byte[] name) {
    if (dir.length == 0) {
      return name.clone();
    }
    byte[] p = Arrays.copyOf(dir, dir.length + 1 + name.length);
    p[dir.length] = '/';
    System.arraycopy(name, 0, p, dir.length + 1, name.length);
    return p;
  }

  /** True when {@code path} is {@code dir} or lies below it. */
  public static boolean isWithin(byte[] path, byte[] dir) {
    if (dir.length == 0) {
      return true;
    }
    return path.length >= dir.length && Arrays.equals(path, 0, dir.length, dir, 0, dir.length)
        && (path.length == dir.length || path[dir.length] == '/');
  }

  private static int lastSlash(byte[] path) {
    for (int i = path.length - 1; i >= 0; i--) {
      if (path[i] == '/') {
        return i;
      }
    }
    return -1;
  }

  /** For logs and messages: the path as a string, bytes outside ASCII escaped. */
  public static String show(byte[] path) {
    StringBuilder s = new StringBuilder("/");
    for (byte b : path) {
      int c = b & 0xFF;
      s.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("\\x%02x", c));
    }
    return s.toString();
  }
}
