package io.usernetes.identity.runtime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * A container's root file system that is a kernel overlay mount of image layers, as containerd's
 * overlayfs snapshotter leaves it in the bundle, read from {@code /proc/self/mountinfo}: its
 * layers, in the form the mount program takes them.
 */
public record KernelOverlayRoot(String lowerdir, Optional<String> upperdir, Optional<String> workdir) {
  /**
   * The overlay mounted on {@code mountPoint} (the topmost mount there), if that is a kernel
   * overlay with layers the mount program can be given; empty for anything else.
   *
   * @param mountinfo the text of {@code /proc/self/mountinfo}
   */
  public static Optional<KernelOverlayRoot> find(String mountinfo, String mountPoint) {
    Optional<KernelOverlayRoot> found = Optional.empty();
    for (String line : mountinfo.split("\n")) {
      String[] fields = line.split(" ");
      int dash = List.of(fields).indexOf("-");
      if (dash < 5 || fields.length < dash + 4 || !unescape(fields[4]).equals(mountPoint)) {
        continue;
      }
      found = fields[dash + 1].equals("overlay") ? parse(fields[dash + 3]) : Optional.empty();
    }
    return found;
  }

  /** The mount program's {@code -o} value for these layers. */
  public String mountOptions() {
    return "lowerdir=" + lowerdir + upperdir.map(u -> ",upperdir=" + u).orElse("")
        + workdir.map(w -> ",workdir=" + w).orElse("");
  }

  private static Optional<KernelOverlayRoot> parse(String superOptions) {
    String lower = null;
    String upper = null;
    String work = null;
    // commas inside a value are escaped (\054), so the raw field splits on the separators alone
    for (String raw : superOptions.split(",")) {
      String option = unescape(raw);
      if (option.startsWith("lowerdir=")) {
        lower = option.substring("lowerdir=".length());
      } else if (option.startsWith("upperdir=")) {
        upper = option.substring("upperdir=".length());
      } else if (option.startsWith("workdir=")) {
        work = option.substring("workdir=".length());
      }
    }
    if (lower == null || (upper == null) != (work == null)
        || commaIn(lower) || commaIn(upper) || commaIn(work)) {
      return Optional.empty(); // a comma would end the value in the mount program's -o
    }
    // the kernel shows the paths as they were given: relative ones were the mounter's, not ours
    for (String layer : lower.split("(?<!\\\\):")) {
      if (!layer.startsWith("/")) {
        return Optional.empty();
      }
    }
    if (upper != null && (!upper.startsWith("/") || !work.startsWith("/"))) {
      return Optional.empty();
    }
    return Optional.of(new KernelOverlayRoot(lower, Optional.ofNullable(upper), Optional.ofNullable(work)));
  }

  private static boolean commaIn(String value) {
    return value != null && value.indexOf(',') >= 0;
  }

  /** mountinfo's octal escapes ({@code \040} for a space, …) undone, bytes read as UTF-8. */
  static String unescape(String field) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\\' && i + 3 < bytes.length && octal(bytes[i + 1]) && octal(bytes[i + 2]) && octal(bytes[i + 3])) {
        out.write((bytes[i + 1] - '0') << 6 | (bytes[i + 2] - '0') << 3 | (bytes[i + 3] - '0'));
        i += 3;
      } else {
        out.write(bytes[i]);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static boolean octal(byte b) {
    return b >= '0' && b <= '7';
  }
}
