package io.usernetes.identity.mount.options;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every {@code -o} option the mount program understands, with its syntax. A name that is not
 * here is not an error but ends up in {@link MountOptions#ignoredOptions()}, as fuse-overlayfs
 * ignores unknown options with a warning; what each option means is in {@link MountHelp} and on
 * the record that keeps it.
 */
enum KnownOption {
  // layers
  LOWERDIR("lowerdir=DIR[:DIR...]"),
  UPPERDIR("upperdir=DIR"),
  WORKDIR("workdir=DIR"),
  // ownership
  UIDMAPPING("uidmapping=FROM:TO:LENGTH[:FROM:TO:LENGTH...]"),
  GIDMAPPING("gidmapping=FROM:TO:LENGTH[:FROM:TO:LENGTH...]"),
  SQUASH_TO_ROOT("squash_to_root"),
  SQUASH_TO_UID("squash_to_uid=UID"),
  SQUASH_TO_GID("squash_to_gid=GID"),
  XATTR_PERMISSIONS("xattr_permissions=0|1|2"),
  // fuse-overlayfs behaviour
  VOLATILE("volatile"),
  FSYNC("fsync=0|1"),
  STATIC_NLINK("static_nlink"),
  NOACL("noacl"),
  XINO("xino=off|auto|on"),
  INO32_T("ino32_t"),
  FAST_INO("fast_ino=0|1"),
  THREADED("threaded=0|1"),
  WRITEBACK("writeback=0|1"),
  TIMEOUT("timeout=SECONDS"),
  NOXATTRS("noxattrs=0|1"),
  PLUGINS("plugins=PLUGIN[:PLUGIN...]"),
  REDIRECT_DIR("redirect_dir=off|follow|on|nofollow"),
  CONTEXT("context=LABEL"),
  DEBUG("debug"),
  // libfuse mount options
  RO("ro"),
  RW("rw"),
  DEV("dev"),
  NODEV("nodev"),
  SUID("suid"),
  NOSUID("nosuid"),
  EXEC("exec"),
  NOEXEC("noexec"),
  ATIME("atime"),
  NOATIME("noatime"),
  DIRATIME("diratime"),
  NODIRATIME("nodiratime"),
  MAX_WRITE("max_write=BYTES"),
  ALLOW_ROOT("allow_root"),
  ALLOW_OTHER("allow_other"),
  DEFAULT_PERMISSIONS("default_permissions"),
  KERNEL_CACHE("kernel_cache"),
  SPLICE_READ("splice_read"),
  SPLICE_WRITE("splice_write"),
  SPLICE_MOVE("splice_move"),
  BIG_WRITES("big_writes"),
  // usernetes-identity's own
  UID_MAP("uid_map=SPEC"),
  GID_MAP("gid_map=SPEC"),
  REPORT_MODE("report_mode=auto|container|host"),
  LOG_FILE("log_file=PATH"),
  LOG_LEVEL("log_level=error|warn|info|debug|trace");

  private static final Map<String, KnownOption> BY_NAME = Arrays.stream(values())
      .collect(Collectors.toUnmodifiableMap(KnownOption::optionName, Function.identity()));

  private final String syntax;
  private final String optionName;

  KnownOption(String syntax) {
    this.syntax = syntax;
    int eq = syntax.indexOf('=');
    this.optionName = eq < 0 ? syntax : syntax.substring(0, eq);
  }

  static Optional<KnownOption> named(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /** The name as written in {@code -o}, e.g. {@code squash_to_uid}. */
  String optionName() {
    return optionName;
  }

  /** How it is written, e.g. {@code squash_to_uid=UID}; used in messages. */
  String syntax() {
    return syntax;
  }

  /** True for {@code name=value} options, false for flags. */
  boolean takesValue() {
    return syntax.indexOf('=') >= 0;
  }
}
