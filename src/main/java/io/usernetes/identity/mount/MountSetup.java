package io.usernetes.identity.mount;

import io.usernetes.identity.config.Configuration;
import io.usernetes.identity.config.ReportMode;
import io.usernetes.identity.declared.AccountFile;
import io.usernetes.identity.idmap.IdMap;
import io.usernetes.identity.idmap.UserNamespaceMap;
import io.usernetes.identity.kernel.Attributes;
import io.usernetes.identity.fuse.KernelCaching;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Fd;
import io.usernetes.identity.kernel.Open;
import io.usernetes.identity.kernel.ProcessIds;
import io.usernetes.identity.kernel.Stat;
import io.usernetes.identity.layers.Layer;
import io.usernetes.identity.layers.LayerStack;
import io.usernetes.identity.layers.Whiteouts;
import io.usernetes.identity.layers.WorkDir;
import io.usernetes.identity.mount.options.MountOptions;
import io.usernetes.identity.mount.options.Ownership;
import io.usernetes.identity.overlay.Overlay;
import io.usernetes.identity.ownership.CallerNamespaces;
import io.usernetes.identity.ownership.LocalIds;
import io.usernetes.identity.ownership.OwnershipTranslator;
import io.usernetes.identity.ownership.ViewMapping;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns parsed options and the configuration into a ready {@link Overlay}: opens and checks the
 * layers, prepares the work directory, picks the reporting mode and builds the ownership
 * translation. Every refusal is a {@link MountSetupException} with one line for the caller.
 */
public final class MountSetup {
  private static final Logger LOG = LoggerFactory.getLogger(MountSetup.class);

  /** What a caller's own namespace calls an id: read per caller, compared with the mount's. */
  private static final CallerNamespaces CALLERS = CallerNamespaces.forThisProcess();

  private MountSetup() {}

  /** What was set up, for the caller's log line. */
  public record Mounted(Overlay overlay, ReportMode mode, boolean readOnly) {}

  /** @param environment the caller's: FUSE_OVERLAYFS_DISABLE_OVL_WHITEOUT, as fuse-overlayfs reads it */
  public static Mounted open(MountOptions options, Configuration config, String mountpoint,
      java.util.Map<String, String> environment) throws MountSetupException {
    checkDirectory("mountpoint", mountpoint);
    List<Layer> layers = new ArrayList<>();
    WorkDir work = null;
    try {
      String upper = options.layers().upperDir().orElse(null);
      if (upper != null) {
        String workdir = options.layers().workDir().orElseThrow();
        Stat u = checkDirectory("upperdir", upper);
        Stat w = checkDirectory("workdir", workdir);
        if (u.devMajor() != w.devMajor() || u.devMinor() != w.devMinor()) {
          throw new MountSetupException("workdir " + workdir + " is not on the same file system as upperdir " + upper);
        }
        checkSeparate(upper, workdir, options.layers().lowerDirs());
        layers.add(Layer.upper(upper, options.ownership().xattrPermissions().xattrName().orElse(null)));
        work = WorkDir.prepare(workdir);
      }
      for (String lower : options.layers().lowerDirs()) {
        checkDirectory("lowerdir", lower);
        layers.add(Layer.lower(layers.size(), lower));
      }
      LayerStack stack = new LayerStack(layers, options.tuning().redirectDir().follows());
      ReportMode mode = reportMode(config.reportMode());
      io.usernetes.identity.overlay.Ownership ownership = new io.usernetes.identity.overlay.Ownership(
          translator(mode, config.uidMap(), "uid", options.ownership(), stack, AccountFile.Kind.PASSWD),
          translator(mode, config.gidMap(), "gid", options.ownership(), stack, AccountFile.Kind.GROUP));
      boolean deviceWhiteouts = !environment.containsKey("FUSE_OVERLAYFS_DISABLE_OVL_WHITEOUT");
      Overlay overlay = new Overlay(stack, work, new Whiteouts(deviceWhiteouts), ownership,
          options.tuning().staticNlink(), options.tuning().fsync(), !options.tuning().noXattrs(),
          options.tuning().redirectDir().creates());
      overlay.inheritRootOverride();
      return new Mounted(overlay, mode, upper == null || options.readOnly());
    } catch (ErrnoException e) {
      closeAll(layers, work);
      throw new MountSetupException(e.getMessage());
    } catch (MountSetupException | RuntimeException e) {
      closeAll(layers, work);
      throw e;
    }
  }

  private static Stat checkDirectory(String what, String path) throws MountSetupException {
    try (Fd fd = Open.directory(path.getBytes(StandardCharsets.ISO_8859_1))) {
      return Attributes.statx(fd);
    } catch (ErrnoException e) {
      String reason = e.errno() == ErrnoException.ENOTDIR ? "not a directory"
          : ErrnoException.describe(e.errno()).toLowerCase(java.util.Locale.ROOT);
      throw new MountSetupException(what + " " + path + ": " + reason);
    }
  }

  /** Upper and work must not lie inside each other or inside a lower layer (nor contain one). */
  private static void checkSeparate(String upper, String work, List<String> lowers)
      throws MountSetupException {
    Path u = real(upper);
    Path w = real(work);
    if (u.equals(w) || u.startsWith(w) || w.startsWith(u)) {
      throw new MountSetupException("upperdir " + upper + " and workdir " + work + " must be separate directories");
    }
    for (String lower : lowers) {
      Path l = real(lower);
      if (u.startsWith(l) || l.startsWith(u)) {
        throw new MountSetupException("upperdir " + upper + " overlaps lowerdir " + lower);
      }
    }
  }

  private static Path real(String path) throws MountSetupException {
    try {
      return Path.of(path).toRealPath();
    } catch (IOException e) {
      throw new MountSetupException(path + ": " + e.getMessage());
    }
  }

  /** AUTO becomes container mode when this namespace maps all of 0–65535, host mode otherwise. */
  static ReportMode reportMode(ReportMode configured) throws MountSetupException {
    if (configured != ReportMode.AUTO) {
      return configured;
    }
    try {
      return UserNamespaceMap.thisProcessMapsAllContainerIds() ? ReportMode.CONTAINER : ReportMode.HOST;
    } catch (IOException | IllegalArgumentException e) {
      throw new MountSetupException("cannot read this process's uid_map or gid_map: " + e.getMessage());
    }
  }

  static UserNamespaceMap namespace(String kind) throws MountSetupException {
    try {
      return UserNamespaceMap.ofThisProcess(kind);
    } catch (IOException | IllegalArgumentException e) {
      throw new MountSetupException("cannot read /proc/self/" + kind + "_map: " + e.getMessage());
    }
  }

  private static OwnershipTranslator translator(ReportMode mode, IdMap map, String kind,
      Ownership options, LayerStack stack, AccountFile.Kind accounts) throws MountSetupException {
    LocalIds local;
    try {
      local = LocalIds.choose(map, namespace(kind), kind + "-map");
    } catch (IllegalArgumentException e) {
      throw new MountSetupException(e.getMessage());
    }
    OptionalLong squash = kind.equals("uid") ? options.squashedUid() : options.squashedGid();
    ViewMapping view = squash.isPresent() ? ViewMapping.squash(squash.getAsLong())
        : ViewMapping.of(kind.equals("uid") ? options.uidMapping() : options.gidMapping());
    ImageAccounts declared = new ImageAccounts(stack, map, accounts);
    LOG.debug("{} map {} ({}), view {}", kind, map, local.translates() ? "host ids through the namespace" : "local ids", view);
    return new OwnershipTranslator(mode, map, local, view, declared, CALLERS, kind.equals("gid"));
  }

  private static void closeAll(List<Layer> layers, WorkDir work) {
    for (Layer l : layers) {
      try {
        l.close();
      } catch (ErrnoException ignored) {
        // closing after a failed setup: nothing else to do
      }
    }
    if (work != null) {
      try {
        work.close();
      } catch (ErrnoException ignored) {
        // as above
      }
    }
  }

  /**
   * How the mount talks to libfuse: {@code options} for the kernel mount and the session,
   * {@code caching} the timeouts the adapter gives the kernel, and whether requests are served on
   * libfuse's worker threads.
   */
  public record FuseSettings(List<String> options, KernelCaching caching, boolean threaded) {}

  /** The libfuse settings of the mount, fuse-overlayfs's defaults plus what the options asked. */
  public static FuseSettings fuseSettings(MountOptions options, boolean readOnly) {
    List<String> o = new ArrayList<>(List.of("fsname=usernetes-identity", "subtype=usernetes-identity",
        "default_permissions", "nonempty", "big_writes"));
    // data by splice both ways (read, write_buf): /dev/fuse to pipe to file, one copy fewer
    o.addAll(List.of("splice_read", "splice_write"));
    if (ProcessIds.geteuid() == 0) {
      o.add("allow_other");
      o.add("suid");
    }
    if (options.fuse().atime().isEmpty()) {
      o.add("noatime");
    }
    if (options.fuse().maxWrite().isEmpty()) {
      o.add("max_write=131072");
    }
    o.addAll(options.fuse().mountOptions());
    if (readOnly && !o.contains("ro")) {
      o.add("ro");
    }
    double timeout = options.tuning().timeout().map(d -> d.toMillis() / 1000.0).orElse(1.0);
    // libfuse's worker threads are native: jffi attaches each to the JVM for every callback and
    // detaches it after (AttachCurrentThread/DetachCurrentThread, a java.lang.Thread per call),
    // which cost more than the request itself. One loop on the JVM's own fuse-loop thread serves
    // requests without that, as fuse-overlayfs serves them on one thread unless threaded=1.
    boolean threaded = options.tuning().threaded().orElse(false);
    return new FuseSettings(List.copyOf(o), new KernelCaching(timeout, timeout, timeout), threaded);
  }
}
