package io.usernetes.identity.layers;

import java.util.Arrays;

/**
 * Where a merged path lives: the topmost layer that holds it, its file type, and for directories
 * every layer whose directory shows through (topmost first), which readdir merges, with the path
 * of that directory in its layer: the merged path, unless a renamed directory above redirects
 * the layers below it (see {@link Redirect}).
 *
 * @param layer index of the topmost layer holding the object (0 is the top)
 * @param type the {@code S_IFMT} bits of the object in that layer
 * @param dirLayers for a directory, the contributing layers top first; for others {@code {layer}}
 * @param layerPaths the object's path in each of {@code dirLayers}, in the same order
 */
public record Node(byte[] path, int layer, int type, int[] dirLayers, byte[][] layerPaths) {
  public static final int S_IFDIR = 0040000;

  public Node {
    if (dirLayers.length != layerPaths.length || dirLayers.length == 0 || dirLayers[0] != layer) {
      throw new IllegalArgumentException("layers and their paths do not match");
    }
  }

  /** An object at the same path in every layer it is in. */
  public Node(byte[] path, int layer, int type, int[] dirLayers) {
    this(path, layer, type, dirLayers, samePaths(path, dirLayers.length));
  }

  private static byte[][] samePaths(byte[] path, int count) {
    byte[][] paths = new byte[count][];
    Arrays.fill(paths, path);
    return paths;
  }

  public boolean isDirectory() {
    return type == S_IFDIR;
  }

  /** True when the object exists only in {@code layer} (nothing below shows through). */
  public boolean onlyIn(int layerIndex) {
    return layer == layerIndex && dirLayers.length == 1;
  }

  /** The object's path in its topmost layer ({@link #layer}); its name there is the merged one. */
  public byte[] layerPath() {
    return layerPaths[0];
  }

  /** The directory holding the object in its topmost layer. */
  public byte[] layerParent() {
    return MergedPath.parent(layerPaths[0]);
  }

  /** The same directory with only the layers below {@code layerIndex}; null when none is. */
  Node below(int layerIndex) {
    int from = 0;
    while (from < dirLayers.length && dirLayers[from] <= layerIndex) {
      from++;
    }
    if (from == dirLayers.length) {
      return null;
    }
    return new Node(path, dirLayers[from], type, Arrays.copyOfRange(dirLayers, from, dirLayers.length),
        Arrays.copyOfRange(layerPaths, from, layerPaths.length));
  }

  /** The same directory with {@code layerIndex}, at the merged path, on top (a copy-up). */
  Node withUpper(int layerIndex) {
    int[] layers = new int[dirLayers.length + 1];
    byte[][] paths = new byte[layers.length][];
    layers[0] = layerIndex;
    paths[0] = path;
    System.arraycopy(dirLayers, 0, layers, 1, dirLayers.length);
    System.arraycopy(layerPaths, 0, paths, 1, layerPaths.length);
    return new Node(path, layerIndex, type, layers, paths);
  }
}
