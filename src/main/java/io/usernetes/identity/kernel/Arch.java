package io.usernetes.identity.kernel;

import java.util.Locale;

/**
 * The processor architectures whose kernel ABI this package knows.
 *
 * <p>Most of the ABI used here is the same on x86_64 and aarch64 ({@code struct statx}, the
 * LP64 {@code struct statvfs}, the syscall numbers of {@code openat2} and {@code fchmodat2}),
 * but a few {@code open(2)} flags are not. Anything else fails at class initialisation with a
 * message naming the architecture, rather than passing wrong flags to the kernel.
 */
enum Arch {
  X86_64(0200000, 0400000, 040000, 0100000),
  AARCH64(040000, 0100000, 0200000, 0400000);

  static final Arch CURRENT = detect(System.getProperty("os.name"), System.getProperty("os.arch"));

  final int oDirectory;
  final int oNofollow;
  final int oDirect;
  final int oLargefile;

  Arch(int oDirectory, int oNofollow, int oDirect, int oLargefile) {
    this.oDirectory = oDirectory;
    this.oNofollow = oNofollow;
    this.oDirect = oDirect;
    this.oLargefile = oLargefile;
  }

  static Arch detect(String osName, String osArch) {
    if ("Linux".equals(osName)) {
      switch (osArch.toLowerCase(Locale.ROOT)) {
        case "amd64", "x86_64" -> {
          return X86_64;
        }
        case "aarch64" -> {
          return AARCH64;
        }
        default -> { }
      }
    }
    throw new UnsupportedOperationException(
        "the kernel binding supports Linux on x86_64 and aarch64 only, not " + osName + " on " + osArch);
  }
}
