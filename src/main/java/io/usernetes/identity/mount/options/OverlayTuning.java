package io.usernetes.identity.mount.options;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * fuse-overlayfs's behaviour switches, kept with fuse-overlayfs's defaults so the mount can honour
 * those it implements. Where this project's daemon may reasonably pick a different default than
 * fuse-overlayfs (threads, cache timeout), "not given" is kept as an empty optional instead.
 *
 * @param fsync false after {@code volatile} or {@code fsync=0}: fsync is answered without
 *     syncing (the later of the two options wins)
 * @param staticNlink {@code static_nlink}: directories report one link
 * @param noAcl {@code noacl}: do not ask the kernel for POSIX ACL support
 * @param xino {@code xino=}: how inode numbers are made across file systems
 * @param ino32 {@code ino32_t}: inode numbers truncated to 32 bits
 * @param fastIno {@code fast_ino=1}: take inode numbers from readdir without opening files
 * @param threaded {@code threaded=0|1}: serve requests on several threads; empty if not given
 * @param writeback {@code writeback=0} turns the kernel's writeback cache off (default on)
 * @param timeout {@code timeout=SECONDS}: how long the kernel caches entries and attributes;
 *     empty if not given (fuse-overlayfs then uses 10^9 s, as it is the layers' only writer)
 * @param noXattrs {@code noxattrs=1}: every xattr operation fails with ENOSYS
 * @param plugins {@code plugins=}: fuse-overlayfs data-source plugins, accepted and not used
 * @param redirectDir {@code redirect_dir=}: whether renamed directories' redirects are followed
 */
public record OverlayTuning(boolean fsync, boolean staticNlink, boolean noAcl, Xino xino,
    boolean ino32, boolean fastIno, Optional<Boolean> threaded, boolean writeback,
    Optional<Duration> timeout, boolean noXattrs, List<String> plugins, RedirectDir redirectDir) {

  /** fuse-overlayfs's defaults. */
  public static final OverlayTuning DEFAULTS = new OverlayTuning(true, false, false, Xino.OFF,
      false, false, Optional.empty(), true, Optional.empty(), false, List.of(), RedirectDir.OFF);

  public OverlayTuning {
    Objects.requireNonNull(xino, "xino");
    Objects.requireNonNull(threaded, "threaded");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(redirectDir, "redirectDir");
    plugins = List.copyOf(plugins);
    if (timeout.filter(Duration::isNegative).isPresent()) {
      throw new IllegalArgumentException("negative timeout");
    }
  }

  /**
   * The options given that change nothing here, as written: inode numbers are always the upper
   * or lower file's own, libfuse 2 has no writeback cache, the kernel never evaluates ACLs on this
   * mount, and plugins are not loaded.
   */
  public List<String> acceptedIgnored() {
    List<String> given = new ArrayList<>();
    if (noAcl) {
      given.add("noacl");
    }
    if (xino != Xino.OFF) {
      given.add("xino=" + xino.name().toLowerCase(Locale.ROOT));
    }
    if (ino32) {
      given.add("ino32_t");
    }
    if (fastIno) {
      given.add("fast_ino=1");
    }
    if (!writeback) {
      given.add("writeback=0");
    }
    if (!plugins.isEmpty()) {
      given.add("plugins=" + String.join(":", plugins));
    }
    return given;
  }

  void appendTo(List<String> options) {
    if (!fsync) {
      options.add("volatile");
    }
    if (staticNlink) {
      options.add("static_nlink");
    }
    if (noAcl) {
      options.add("noacl");
    }
    if (xino != Xino.OFF) {
      options.add("xino=" + xino.name().toLowerCase(Locale.ROOT));
    }
    if (ino32) {
      options.add("ino32_t");
    }
    if (fastIno) {
      options.add("fast_ino=1");
    }
    threaded.ifPresent(on -> options.add("threaded=" + (on ? 1 : 0)));
    if (!writeback) {
      options.add("writeback=0");
    }
    timeout.ifPresent(t -> options.add("timeout=" + seconds(t)));
    if (noXattrs) {
      options.add("noxattrs=1");
    }
    if (!plugins.isEmpty()) {
      options.add("plugins=" + plugins.stream()
          .map(p -> QuotedText.escape(p, ":,")).collect(Collectors.joining(":")));
    }
    if (redirectDir != RedirectDir.OFF) {
      options.add("redirect_dir=" + redirectDir.name().toLowerCase(Locale.ROOT));
    }
  }

  /** Plain decimal seconds, as the option is written: {@code 1}, {@code 0.5}. */
  static String seconds(Duration duration) {
    return BigDecimal.valueOf(duration.getSeconds())
        .add(BigDecimal.valueOf(duration.getNano(), 9))
        .stripTrailingZeros()
        .toPlainString();
  }
}
