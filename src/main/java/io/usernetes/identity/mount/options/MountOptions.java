package io.usernetes.identity.mount.options;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the {@code -o} options of one invocation say, merged in command-line order (for an
 * option given twice the later one wins). See {@link MountHelp#TEXT} for the list of options.
 *
 * @param layers {@code lowerdir}, {@code upperdir}, {@code workdir}
 * @param ownership fuse-overlayfs's id mapping and squashing options
 * @param tuning fuse-overlayfs's behaviour switches
 * @param fuse libfuse mount options to pass on
 * @param identity usernetes-identity's own options
 * @param context the SELinux {@code context=} label, unquoted; accepted and otherwise ignored,
 *     as by fuse-overlayfs (a FUSE mount cannot take a context label)
 * @param debug {@code -o debug}, which like {@code -d} implies foreground
 * @param ignoredOptions options with unknown names, as written, for the daemon to warn about
 *     (fuse-overlayfs ignores them too: callers pass options meant for other mount programs)
 */
public record MountOptions(Layers layers, Ownership ownership, OverlayTuning tuning,
    FuseMountFlags fuse, IdentityOptions identity, Optional<String> context, boolean debug,
    List<String> ignoredOptions) {

  public MountOptions {
    Objects.requireNonNull(layers, "layers");
    Objects.requireNonNull(ownership, "ownership");
    Objects.requireNonNull(tuning, "tuning");
    Objects.requireNonNull(fuse, "fuse");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(context, "context");
    ignoredOptions = List.copyOf(ignoredOptions);
  }

  /**
   * Parses the arguments of every {@code -o}, in command-line order. Does not require a lowerdir:
   * that is the invocation's business (asking for help needs none).
   *
   * @throws MountUsageException with a one-line reason
   */
  public static MountOptions parse(String... optionStrings) {
    return parse(Arrays.asList(optionStrings));
  }

  /** Like {@link #parse(String...)}. */
  public static MountOptions parse(List<String> optionStrings) {
    return MountOptionsParser.parse(OptionTokenizer.tokenize(optionStrings));
  }

  /** True when nothing may be written: no upper layer, or {@code ro}. */
  public boolean readOnly() {
    return layers.readOnly() || fuse.readOnly().orElse(false);
  }

  /**
   * These options as one canonical {@code -o} string: only what differs from the defaults, in a
   * fixed order, values escaped. {@link #parse} gives back an equal {@code MountOptions}, so the
   * string can both be logged and be handed to a re-executed daemon.
   */
  public String toOptionString() {
    List<String> options = new ArrayList<>();
    layers.appendTo(options);
    ownership.appendTo(options);
    tuning.appendTo(options);
    fuse.appendTo(options);
    context.ifPresent(c -> options.add("context=\"" + QuotedText.escape(c, "") + "\""));
    if (debug) {
      options.add("debug");
    }
    identity.appendTo(options);
    options.addAll(ignoredOptions);
    return String.join(",", options);
  }

  /** For logs: {@link #toOptionString()}. */
  @Override
  public String toString() {
    return toOptionString();
  }
}
