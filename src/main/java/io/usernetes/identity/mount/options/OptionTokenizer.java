package io.usernetes.identity.mount.options;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the {@code -o} strings of a command line into options, in order, with the rules of
 * {@link QuotedText}: {@code lowerdir=/a:/b,context="x:y,z",,volatile} is three options.
 *
 * <p>Empty elements are skipped, not reported: podman really sends {@code ,,volatile}.
 */
final class OptionTokenizer {
  private OptionTokenizer() {}

  /**
   * @param optionStrings the arguments of every {@code -o}, in command-line order
   * @throws MountUsageException for an unclosed quote or a trailing backslash
   */
  static List<RawOption> tokenize(List<String> optionStrings) {
    List<RawOption> options = new ArrayList<>();
    for (String optionString : optionStrings) {
      String what = "-o " + MountUsageException.quote(optionString);
      for (String element : QuotedText.splitRaw(optionString, ',', what)) {
        if (!element.isEmpty()) {
          options.add(RawOption.of(element));
        }
      }
    }
    return options;
  }
}
