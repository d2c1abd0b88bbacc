package io.usernetes.identity.mount.options;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The directories the overlay is made of, as given: nothing is resolved or checked on disk here.
 *
 * <p>Invariants: the upper and work directories are both present or both absent (an upper layer
 * cannot be written safely without a place to build copies); no path is empty. The lower list is
 * empty only in an invocation that asks for help or the version.
 *
 * @param lowerDirs read-only layers, topmost first
 * @param upperDir the writable layer; absent means a read-only mount (podman's build form)
 * @param workDir scratch space on the upper layer's file system, for copy-up and whiteouts
 */
public record Layers(List<String> lowerDirs, Optional<String> upperDir, Optional<String> workDir) {

  public Layers {
    lowerDirs = List.copyOf(lowerDirs);
    Objects.requireNonNull(upperDir, "upperDir");
    Objects.requireNonNull(workDir, "workDir");
    if (upperDir.isPresent() != workDir.isPresent()) {
      throw new IllegalArgumentException("upperdir and workdir go together");
    }
    if (lowerDirs.contains("") || upperDir.filter(String::isEmpty).isPresent()
        || workDir.filter(String::isEmpty).isPresent()) {
      throw new IllegalArgumentException("empty layer path");
    }
  }

  /** True when there is no upper layer, so nothing can be written through the mount. */
  public boolean readOnly() {
    return upperDir.isEmpty();
  }

  /** Adds the canonical {@code -o} options for these layers. */
  void appendTo(List<String> options) {
    if (!lowerDirs.isEmpty()) {
      options.add("lowerdir=" + LowerDirs.join(lowerDirs));
    }
    upperDir.ifPresent(d -> options.add("upperdir=" + QuotedText.escape(d, ",")));
    workDir.ifPresent(d -> options.add("workdir=" + QuotedText.escape(d, ",")));
  }
}
