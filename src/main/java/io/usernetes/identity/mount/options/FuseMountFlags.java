package io.usernetes.identity.mount.options;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The libfuse mount options given in {@code -o}, for the mount to pass on. Each on/off pair is
 * kept as given, the later one winning, and empty when neither was given, so the mount applies
 * its own default: {@code mount.fuse} adds {@code dev,suid} unless told otherwise, while
 * containers-storage strips these flags before calling the mount program at all.
 *
 * @param readOnly {@code ro} (true) or {@code rw} (false)
 * @param dev {@code dev} or {@code nodev}: whether device files work
 * @param suid {@code suid} or {@code nosuid}: whether set-id bits take effect
 * @param exec {@code exec} or {@code noexec}
 * @param atime {@code atime} or {@code noatime}
 * @param dirAtime {@code diratime} or {@code nodiratime}
 * @param maxWrite {@code max_write=BYTES}: the largest write request
 * @param acceptedOnly options fuse-overlayfs passes to libfuse that this mount decides itself
 *     ({@code allow_other}, {@code default_permissions}, {@code kernel_cache}, {@code splice_*},
 *     {@code big_writes}, {@code allow_root}), in the order given
 */
public record FuseMountFlags(Optional<Boolean> readOnly, Optional<Boolean> dev,
    Optional<Boolean> suid, Optional<Boolean> exec, Optional<Boolean> atime,
    Optional<Boolean> dirAtime, OptionalInt maxWrite, List<String> acceptedOnly) {

  public static final FuseMountFlags NONE = new FuseMountFlags(Optional.empty(), Optional.empty(),
      Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), OptionalInt.empty(),
      List.of());

  public FuseMountFlags {
    for (Optional<Boolean> flag : List.of(readOnly, dev, suid, exec, atime, dirAtime)) {
      Objects.requireNonNull(flag);
    }
    Objects.requireNonNull(maxWrite, "maxWrite");
    if (maxWrite.isPresent() && maxWrite.getAsInt() < 1) {
      throw new IllegalArgumentException("max_write must be positive");
    }
    acceptedOnly = List.copyOf(acceptedOnly);
  }

  /**
   * The given flags as libfuse mount options, e.g. {@code [ro, nodev, noatime, max_write=131072]};
   * without {@link #acceptedOnly}.
   */
  public List<String> mountOptions() {
    List<String> options = new ArrayList<>();
    readOnly.ifPresent(on -> options.add(on ? "ro" : "rw"));
    dev.ifPresent(on -> options.add(on ? "dev" : "nodev"));
    suid.ifPresent(on -> options.add(on ? "suid" : "nosuid"));
    exec.ifPresent(on -> options.add(on ? "exec" : "noexec"));
    atime.ifPresent(on -> options.add(on ? "atime" : "noatime"));
    dirAtime.ifPresent(on -> options.add(on ? "diratime" : "nodiratime"));
    maxWrite.ifPresent(bytes -> options.add("max_write=" + bytes));
    return List.copyOf(options);
  }

  void appendTo(List<String> options) {
    options.addAll(mountOptions());
    options.addAll(acceptedOnly);
  }
}
