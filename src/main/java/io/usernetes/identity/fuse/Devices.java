package io.usernetes.identity.fuse;

/** glibc's encoding of device numbers and ids in the values libfuse hands over. */
final class Devices {
  private Devices() {}

  static long make(int major, int minor) {
    return ((major & 0xfffL) << 8) | (minor & 0xffL) | ((major & ~0xfffL) << 32)
        | ((minor & ~0xffL) << 12);
  }

  static int major(long dev) {
    return (int) (((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL));
  }

  static int minor(long dev) {
    return (int) ((dev & 0xff) | ((dev >>> 12) & ~0xffL));
  }

  /** A uid or gid argument: {@code (uid_t) -1} means "do not change" and becomes -1. */
  static long id(long raw) {
    long id = raw & 0xFFFF_FFFFL;
    return id == 0xFFFF_FFFFL ? -1 : id;
  }
}
