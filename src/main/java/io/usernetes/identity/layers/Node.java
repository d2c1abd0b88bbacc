package io.usernetes.identity.layers;

/**
 * Where a merged path lives: the topmost layer that holds it, its file type, and for directories
 * every layer whose directory of that path shows through (topmost first), which readdir merges.
 *
 * @param layer index of the topmost layer holding the object (0 is the top)
 * @param type the {@code S_IFMT} bits of the object in that layer
 * @param dirLayers for a directory, the contributing layers top first; for others {@code {layer}}
 */
public record Node(byte[] path, int layer, int type, int[] dirLayers) {
  public static final int S_IFDIR = 0040000;

  public boolean isDirectory() {
    return type == S_IFDIR;
  }

  /** True when the object exists only in {@code layer} (nothing below shows through). */
  public boolean onlyIn(int layerIndex) {
    return layer == layerIndex && dirLayers.length == 1;
  }
}
