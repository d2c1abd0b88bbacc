package io.usernetes.identity.mount.options;

import io.usernetes.identity.config.ReportMode;
import io.usernetes.identity.idmap.IdMap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.slf4j.event.Level;

/**
 * Folds a tokenized {@code -o} list into {@link MountOptions}, one option at a time in order, so
 * a later option overrides an earlier one exactly as with libfuse's option parser.
 */
final class MountOptionsParser {
  // Layers
  private List<String> lowerDirs = List.of();
  private Optional<String> upperDir = Optional.empty();
  private Optional<String> workDir = Optional.empty();
  // Ownership
  private List<IdMapping> uidMapping = List.of();
  private List<IdMapping> gidMapping = List.of();
  private boolean squashToRoot;
  private OptionalLong squashToUid = OptionalLong.empty();
  private OptionalLong squashToGid = OptionalLong.empty();
  private XattrPermissions xattrPermissions = XattrPermissions.NONE;
  // Tuning, starting from fuse-overlayfs's defaults
  private boolean fsync = OverlayTuning.DEFAULTS.fsync();
  private boolean staticNlink = OverlayTuning.DEFAULTS.staticNlink();
  private RedirectDir redirectDir = OverlayTuning.DEFAULTS.redirectDir();
  private boolean noAcl = OverlayTuning.DEFAULTS.noAcl();
  private Xino xino = OverlayTuning.DEFAULTS.xino();
  private boolean ino32 = OverlayTuning.DEFAULTS.ino32();
  private boolean fastIno = OverlayTuning.DEFAULTS.fastIno();
  private Optional<Boolean> threaded = OverlayTuning.DEFAULTS.threaded();
  private boolean writeback = OverlayTuning.DEFAULTS.writeback();
  private Optional<Duration> timeout = OverlayTuning.DEFAULTS.timeout();
  private boolean noXattrs = OverlayTuning.DEFAULTS.noXattrs();
  private List<String> plugins = OverlayTuning.DEFAULTS.plugins();
  // libfuse
  private Optional<Boolean> readOnly = Optional.empty();
  private Optional<Boolean> dev = Optional.empty();
  private Optional<Boolean> suid = Optional.empty();
  private Optional<Boolean> exec = Optional.empty();
  private Optional<Boolean> atime = Optional.empty();
  private Optional<Boolean> dirAtime = Optional.empty();
  private OptionalInt maxWrite = OptionalInt.empty();
  private final List<String> acceptedOnly = new ArrayList<>();
  // Our own
  private Optional<IdMap> uidMap = Optional.empty();
  private Optional<IdMap> gidMap = Optional.empty();
  private Optional<ReportMode> reportMode = Optional.empty();
  private Optional<String> logFile = Optional.empty();
  private Optional<Level> logLevel = Optional.empty();
  // The rest
  private Optional<String> context = Optional.empty();
  private boolean debug;
  private final List<String> ignored = new ArrayList<>();

  private MountOptionsParser() {}

  /** @throws MountUsageException for a bad value or an upperdir without workdir (or vice versa) */
  static MountOptions parse(List<RawOption> options) {
    MountOptionsParser parser = new MountOptionsParser();
    for (RawOption option : options) {
      parser.apply(option);
    }
    return parser.build();
  }

  private void apply(RawOption option) {
    Optional<KnownOption> known = KnownOption.named(option.name());
    if (known.isEmpty()) {
      ignored.add(option.text());
      return;
    }
    KnownOption kind = known.get();
    if (kind.takesValue() && option.value().isEmpty()) {
      throw new MountUsageException("option \"" + kind.optionName() + "\" needs a value ("
          + kind.syntax() + ")");
    }
    if (!kind.takesValue() && option.value().isPresent()) {
      throw new MountUsageException("option \"" + kind.optionName() + "\" takes no value");
    }
    switch (kind) {
      case LOWERDIR -> lowerDirs = OptionValues.lowerDirs(option);
      case UPPERDIR -> upperDir = Optional.of(OptionValues.path(option));
      case WORKDIR -> workDir = Optional.of(OptionValues.path(option));
      case UIDMAPPING -> uidMapping = OptionValues.mappings(option);
      case GIDMAPPING -> gidMapping = OptionValues.mappings(option);
      case SQUASH_TO_ROOT -> squashToRoot = true;
      case SQUASH_TO_UID -> squashToUid = OptionalLong.of(OptionValues.id(option));
      case SQUASH_TO_GID -> squashToGid = OptionalLong.of(OptionValues.id(option));
      case XATTR_PERMISSIONS -> xattrPermissions = OptionValues.xattrPermissions(option);
      case VOLATILE -> fsync = false;
      case FSYNC -> fsync = OptionValues.zeroOrOne(option);
      case STATIC_NLINK -> staticNlink = true;
      case NOACL -> noAcl = true;
      case XINO -> xino = OptionValues.choice(option, Xino.class);
      case INO32_T -> ino32 = true;
      case FAST_INO -> fastIno = OptionValues.zeroOrOne(option);
      case THREADED -> threaded = Optional.of(OptionValues.zeroOrOne(option));
      case WRITEBACK -> writeback = OptionValues.zeroOrOne(option);
      case TIMEOUT -> timeout = Optional.of(OptionValues.seconds(option));
      case NOXATTRS -> noXattrs = OptionValues.zeroOrOne(option);
      case PLUGINS -> plugins = OptionValues.list(option);
      case REDIRECT_DIR -> redirectDir = OptionValues.redirectDir(option);
      case CONTEXT -> context = Optional.of(OptionValues.text(option));
      case DEBUG -> debug = true;
      case RO -> readOnly = Optional.of(true);
      case RW -> readOnly = Optional.of(false);
      case DEV -> dev = Optional.of(true);
      case NODEV -> dev = Optional.of(false);
      case SUID -> suid = Optional.of(true);
      case NOSUID -> suid = Optional.of(false);
      case EXEC -> exec = Optional.of(true);
      case NOEXEC -> exec = Optional.of(false);
      case ATIME -> atime = Optional.of(true);
      case NOATIME -> atime = Optional.of(false);
      case DIRATIME -> dirAtime = Optional.of(true);
      case NODIRATIME -> dirAtime = Optional.of(false);
      case MAX_WRITE -> maxWrite = OptionalInt.of(OptionValues.positiveInt(option));
      case ALLOW_ROOT, ALLOW_OTHER, DEFAULT_PERMISSIONS, KERNEL_CACHE, SPLICE_READ, SPLICE_WRITE,
          SPLICE_MOVE, BIG_WRITES -> acceptedOnly.add(option.text());
      case UID_MAP -> uidMap = Optional.of(OptionValues.idMap(option));
      case GID_MAP -> gidMap = Optional.of(OptionValues.idMap(option));
      case REPORT_MODE -> reportMode = Optional.of(OptionValues.choice(option, ReportMode.class));
      case LOG_FILE -> logFile = Optional.of(OptionValues.path(option));
      case LOG_LEVEL -> logLevel = Optional.of(OptionValues.choice(option, Level.class));
      default -> throw new IllegalStateException("option without a rule: " + kind);
    }
  }

  private MountOptions build() {
    if (upperDir.isPresent() && workDir.isEmpty()) {
      throw new MountUsageException("upperdir given without workdir");
    }
    if (workDir.isPresent() && upperDir.isEmpty()) {
      throw new MountUsageException("workdir given without upperdir");
    }
    return new MountOptions(
        new Layers(lowerDirs, upperDir, workDir),
        new Ownership(uidMapping, gidMapping, squashToRoot, squashToUid, squashToGid,
            xattrPermissions),
        new OverlayTuning(fsync, staticNlink, noAcl, xino, ino32, fastIno, threaded, writeback,
            timeout, noXattrs, plugins, redirectDir),
        new FuseMountFlags(readOnly, dev, suid, exec, atime, dirAtime, maxWrite, acceptedOnly),
        new IdentityOptions(uidMap, gidMap, reportMode, logFile, logLevel),
        context,
        debug,
        ignored);
  }
}
