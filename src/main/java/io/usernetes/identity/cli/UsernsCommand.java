package io.usernetes.identity.cli;

import io.usernetes.identity.config.Configuration;
import io.usernetes.identity.declared.AccountFile;
import io.usernetes.identity.declared.DeclaredId;
import io.usernetes.identity.userns.SparseIdMap;
import io.usernetes.identity.userns.SparseIdMaps;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code identity-map userns}: the sparse maps identity-runtime gives a container of an image. */
@Command(name = "userns", header = "The sparse uid_map and gid_map identity-runtime gives a container of an image.", mixinStandardHelpOptions = true,
    description = {
        "Print the uid_map and gid_map of the user namespace identity-runtime gives a container",
        "of an image: one line per id its passwd (uid_map) or group file (gid_map) declares, to",
        "its pool id, plus root and the process's ids. Ids that share a pool id and ids left out",
        "(collisions, the kernel's 340 lines) are named on stderr.",
        "",
        "Example: identity-map userns --passwd rootfs/etc/passwd --group rootfs/etc/group --uid 60000",
        "         identity-map userns --passwd rootfs/etc/passwd --only uid > /proc/PID/uid_map",
        "",
        "Exit status 1 when an id is left out."})
final class UsernsCommand implements Callable<Integer> {
  @ParentCommand IdentityMapCommand parent;
  @Spec CommandSpec spec;

  @Option(names = "--passwd", paramLabel = "FILE", description = "The image's /etc/passwd.")
  Path passwd;

  @Option(names = "--group", paramLabel = "FILE", description = "The image's /etc/group.")
  Path group;

  @Option(names = "--uid", paramLabel = "UID", description = "The process's user (default: root).")
  String uid;

  @Option(names = "--gid", paramLabel = "GID", split = ",",
      description = "The process's group and additional groups (default: root).")
  List<String> gids;

  @Option(names = "--only", paramLabel = "uid|gid",
      description = "Print only that map, as /proc/PID/uid_map or gid_map takes it.")
  String only;

  @Override
  public Integer call() {
    if (only != null && !only.equals("uid") && !only.equals("gid")) {
      throw new UsageError("--only takes uid or gid, not \"" + only + "\"");
    }
    Configuration config = parent.shared.configuration();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<Long> uids = new ArrayList<>();
    if (uid != null) {
      uids.add(HostCommand.parseId(uid, "uid"));
    }
    uids.add(0L);
    List<Long> groups = new ArrayList<>();
    for (String g : gids == null ? List.<String>of() : gids) {
      groups.add(HostCommand.parseId(g, "gid"));
    }
    groups.add(0L);
    SparseIdMap u = SparseIdMaps.compute(config.uidMap(), accounts(AccountFile.Kind.PASSWD, passwd, err), uids);
    SparseIdMap g = SparseIdMaps.compute(config.gidMap(), accounts(AccountFile.Kind.GROUP, group, err), groups);
    if (only == null || only.equals("uid")) {
      out.print((only == null ? "uid_map:\n" : "") + u);
    }
    if (only == null || only.equals("gid")) {
      out.print((only == null ? "gid_map:\n" : "") + g);
    }
    out.flush();
    u.moves().forEach(m -> err.println("uid " + m));
    g.moves().forEach(m -> err.println("gid " + m));
    u.leftOut().forEach(l -> err.println("uid left out: " + l));
    g.leftOut().forEach(l -> err.println("gid left out: " + l));
    err.flush();
    return u.leftOut().isEmpty() && g.leftOut().isEmpty() ? ExitCodes.OK : ExitCodes.FOUND;
  }

  private static List<DeclaredId> accounts(AccountFile.Kind kind, Path file, PrintWriter err) {
    return file == null ? List.of() : AccountFiles.read(kind, file, err).accounts();
  }
}
