package io.usernetes.identity.runtime;

import io.usernetes.identity.declared.AccountFile;
import io.usernetes.identity.declared.RootfsAccountFile;
import io.usernetes.identity.idmap.IdMap;
import io.usernetes.identity.kernel.Fd;
import io.usernetes.identity.kernel.Open;
import io.usernetes.identity.userns.ConfigMapping;
import io.usernetes.identity.userns.IdMappingLine;
import io.usernetes.identity.userns.LeftOut;
import io.usernetes.identity.userns.SparseIdMap;
import io.usernetes.identity.userns.SparseIdMaps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Gives a bundle's container a user namespace of its own whose maps are sparse: each id the
 * image declares (its rootfs's {@code /etc/passwd} and {@code /etc/group}, read as untrusted
 * input) and each id the container needs (root, the process's user and groups, the ids its mounts
 * name) is its pool id, so the kernel itself shows, checks and stores the container's true ids.
 * A config that has a user namespace already is composed with: the pool ids are taken as ids of
 * its container side. What a map cannot hold (collisions, the 340-line limit) is reported and
 * left to the supervisor, never an error that stops the container.
 */
public final class ContainerNamespace {
  private ContainerNamespace() {}

  /** What was done, for the log: the two maps and what they left out. */
  public record Applied(SparseIdMap uids, SparseIdMap gids, List<String> warnings) {}

  /**
   * Adds the namespace to {@code config}; empty when an earlier run of the same bundle did (its
   * maps would otherwise be composed with themselves).
   */
  public static Optional<Applied> apply(BundleConfig config, IdMap uidMap, IdMap gidMap) throws IOException {
    if (config.sparseNamespaceAdded()) {
      return Optional.empty();
    }
    List<String> warnings = new ArrayList<>();
    RootfsAccountFile passwd;
    RootfsAccountFile group;
    try (Fd root = Open.directory(config.rootfs().toString().getBytes(StandardCharsets.UTF_8))) {
      passwd = RootfsAccountFile.read(root, AccountFile.Kind.PASSWD, warnings);
      group = RootfsAccountFile.read(root, AccountFile.Kind.GROUP, warnings);
    }
    // the process's own ids first: of two that share a pool id, the earlier keeps it
    List<Long> uids = new ArrayList<>();
    config.processUid().ifPresent(uids::add);
    uids.add(0L);
    uids.addAll(config.mountIds("uid"));
    List<Long> gids = new ArrayList<>(config.processGids());
    gids.add(0L);
    gids.addAll(config.mountIds("gid"));
    SparseIdMap u = SparseIdMaps.compute(uidMap, passwd.file().accounts(), uids, existing(config, "uidMappings", warnings));
    SparseIdMap g = SparseIdMaps.compute(gidMap, group.file().accounts(), gids, existing(config, "gidMappings", warnings));
    u.moves().forEach(m -> warnings.add("uid " + m));
    g.moves().forEach(m -> warnings.add("gid " + m));
    for (LeftOut l : u.leftOut()) {
      warnings.add("uid " + l);
    }
    for (LeftOut l : g.leftOut()) {
      warnings.add("gid " + l);
    }
    if (config.mappings("uidMappings").isEmpty()) {
      shareJoinedNamespaces(config);
    }
    config.setUserNamespace(u.lines(), g.lines());
    return Optional.of(new Applied(u, g, warnings));
  }

  /**
   * A pod's containers join its network, IPC and UTS namespaces, which another user namespace
   * owns (the node's, or the sandbox container's own). runc joins them before it makes the new
   * user namespace, so the container is in them, but its root holds no capability over them: it
   * cannot mount their file systems. So {@code mqueue} (the IPC namespace's) is left out — the
   * queues themselves work — and {@code sysfs} (the network namespace's) becomes a read-only bind
   * of the runtime's own /sys, as rootless runtimes do for a network namespace they do not own. A
   * joined PID namespace would need a {@code proc} mount that cannot be made at all: refused.
   *
   * @throws IOException for a joined PID namespace
   */
  private static void shareJoinedNamespaces(BundleConfig config) throws IOException {
    Set<String> joined = config.joinedNamespaces();
    if (joined.contains("pid")) {
      throw new IOException("the container joins another PID namespace (a pod that"
          + " shares its process namespace): in a user namespace of its own it could not mount /proc;"
          + " run the pod without shareProcessNamespace");
    }
    if (joined.contains("ipc")) {
      config.removeMounts("mqueue");
    }
    if (joined.contains("network")) {
      config.bindSysfs();
    }
  }

  private static ConfigMapping existing(BundleConfig config, String kind, List<String> warnings) {
    Optional<List<IdMappingLine>> lines = config.mappings(kind);
    if (lines.isEmpty()) {
      return ConfigMapping.IDENTITY;
    }
    ConfigMapping mapping = ConfigMapping.of(lines.get());
    mapping.problems().forEach(p -> warnings.add(kind + ": " + p));
    return mapping;
  }
}
