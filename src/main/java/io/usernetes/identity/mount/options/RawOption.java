package io.usernetes.identity.mount.options;

import java.util.Optional;

/**
 * One element of an {@code -o} list as written: {@code name} or {@code name=value}. The value is
 * still quoted and escaped, because how to decode it depends on the option (a layer list splits
 * at unescaped colons, a path does not split at all).
 *
 * @param text the whole element, kept for {@link MountOptions#ignoredOptions()} and messages
 * @param name everything before the first {@code =}
 * @param value everything after the first {@code =}, absent when there is no {@code =}
 */
record RawOption(String text, String name, Optional<String> value) {

  static RawOption of(String text) {
    int eq = text.indexOf('=');
    return eq < 0
        ? new RawOption(text, text, Optional.empty())
        : new RawOption(text, text.substring(0, eq), Optional.of(text.substring(eq + 1)));
  }
}
