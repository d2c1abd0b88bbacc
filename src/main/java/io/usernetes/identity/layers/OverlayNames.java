package io.usernetes.identity.layers;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The names overlay file systems reserve inside layers (AUFS-style whiteouts and opaque marker). */
public final class OverlayNames {
  private static final byte[] WHITEOUT_PREFIX = ".wh.".getBytes(StandardCharsets.US_ASCII);
  /** How much longer the name of a {@code .wh.NAME} file is than NAME. */
  public static final int WHITEOUT_FILE_EXTRA = WHITEOUT_PREFIX.length;
  /** In a directory, makes it opaque: nothing of lower layers shows through. */
  public static final byte[] OPAQUE_MARKER = ".wh..wh..opq".getBytes(StandardCharsets.US_ASCII);

  private OverlayNames() {}

  /** Names starting with {@code .wh.} are never shown and cannot be created through the mount. */
  public static boolean isReserved(byte[] name) {
    return name.length >= WHITEOUT_PREFIX.length
        && Arrays.equals(name, 0, WHITEOUT_PREFIX.length, WHITEOUT_PREFIX, 0, WHITEOUT_PREFIX.length);
  }

  /** {@code .wh.NAME}, the file-style whiteout of NAME. */
  public static byte[] whiteoutOf(byte[] name) {
    byte[] w = Arrays.copyOf(WHITEOUT_PREFIX, WHITEOUT_PREFIX.length + name.length);
    System.arraycopy(name, 0, w, WHITEOUT_PREFIX.length, name.length);
    return w;
  }

  /** The name a {@code .wh.NAME} file hides, or null for the opaque marker and other names. */
  public static byte[] hiddenBy(byte[] whiteoutName) {
    if (!isReserved(whiteoutName) || Arrays.equals(whiteoutName, OPAQUE_MARKER)) {
      return null;
    }
    return Arrays.copyOfRange(whiteoutName, WHITEOUT_PREFIX.length, whiteoutName.length);
  }
}
