package io.usernetes.identity.layers;

import io.usernetes.identity.kernel.Stat;

/** A layer directory as the kernel knows it: the mounts of one image layer name the same one. */
record LayerRoot(int devMajor, int devMinor, long ino) {
  static LayerRoot of(Stat st) {
    return new LayerRoot(st.devMajor(), st.devMinor(), st.ino());
  }
}
