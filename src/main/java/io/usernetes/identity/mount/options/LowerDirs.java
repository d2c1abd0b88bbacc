package io.usernetes.identity.mount.options;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The value of {@code lowerdir=TOP:...:BOTTOM}: layer paths, topmost first, separated by colons.
 *
 * <p>{@code \:} is a colon inside a path and {@code \\} a backslash (the kernel overlay's syntax,
 * which fuse-overlayfs 1.15 adopted); double quotes protect colons too (see {@link QuotedText}).
 * Paths are kept exactly as given: podman passes {@code l/ID} symlinks and relies on them being
 * opened as such, so nothing is resolved or normalised here.
 */
public final class LowerDirs {
  private static final String OPTION = "option \"lowerdir\"";

  private LowerDirs() {}

  /**
   * Splits a raw (still escaped) lowerdir value into layer paths, topmost first.
   *
   * @throws MountUsageException if the value or any layer in it is empty
   */
  public static List<String> split(String rawValue) {
    if (rawValue.isEmpty()) {
      throw new MountUsageException(OPTION + " is empty");
    }
    List<String> dirs = QuotedText.splitDecoded(rawValue, ':', OPTION);
    for (int i = 0; i < dirs.size(); i++) {
      if (dirs.get(i).isEmpty()) {
        throw new MountUsageException(OPTION + ": layer " + (i + 1) + " of "
            + MountUsageException.quote(rawValue) + " is empty");
      }
    }
    return List.copyOf(dirs);
  }

  /**
   * The value that {@link #split} turns back into {@code dirs}: colons, backslashes, quotes and
   * commas escaped, so it can also be put into an {@code -o} list as it is.
   */
  public static String join(List<String> dirs) {
    return dirs.stream().map(d -> QuotedText.escape(d, ":,")).collect(Collectors.joining(":"));
  }
}
