package io.usernetes.identity.layers;

import java.util.Arrays;

/** A merged path as a hash-map key (byte arrays compare by identity). */
record PathKey(byte[] path) {
  @Override
  public boolean equals(Object o) {
    return o instanceof PathKey k && Arrays.equals(path, k.path);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(path);
  }
}
