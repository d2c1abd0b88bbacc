package io.usernetes.identity.kernel;

/**
 * The {@code open(2)} flags, with the values of the running architecture.
 *
 * <p>{@link #O_DIRECTORY}, {@link #O_NOFOLLOW}, {@link #O_DIRECT} and {@link #O_LARGEFILE}
 * differ between x86_64 and aarch64; flags that FUSE passes through from the kernel use the
 * same values. {@code O_CLOEXEC} and {@code O_NOFOLLOW} are added by every open in this package.
 */
public final class OpenFlags {
  public static final int O_RDONLY = 0;
  public static final int O_WRONLY = 01;
  public static final int O_RDWR = 02;
  public static final int O_ACCMODE = 03;
  public static final int O_CREAT = 0100;
  public static final int O_EXCL = 0200;
  public static final int O_NOCTTY = 0400;
  public static final int O_TRUNC = 01000;
  public static final int O_APPEND = 02000;
  public static final int O_NONBLOCK = 04000;
  public static final int O_DSYNC = 010000;
  public static final int O_SYNC = 04010000;
  public static final int O_NOATIME = 01000000;
  public static final int O_CLOEXEC = 02000000;
  public static final int O_PATH = 010000000;
  public static final int O_DIRECTORY = Arch.CURRENT.oDirectory;
  public static final int O_NOFOLLOW = Arch.CURRENT.oNofollow;
  public static final int O_DIRECT = Arch.CURRENT.oDirect;
  public static final int O_LARGEFILE = Arch.CURRENT.oLargefile;

  private OpenFlags() {}
}
