package io.usernetes.identity.kernel;

/**
 * The ids of this process, as the kernel of its user namespace sees them: the mount program
 * needs them to tell whether it runs as (namespace) root and whom new files belong to.
 */
public final class ProcessIds {
  private ProcessIds() {}

  public static long getuid() {
    return Integer.toUnsignedLong(LibC.getuid());
  }

  public static long geteuid() {
    return Integer.toUnsignedLong(LibC.geteuid());
  }

  public static long getgid() {
    return Integer.toUnsignedLong(LibC.getgid());
  }
}
