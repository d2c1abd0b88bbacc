package io.usernetes.identity.cli;

import io.usernetes.identity.config.Configuration;
import io.usernetes.identity.declared.AccountFile;
import io.usernetes.identity.declared.DeclaredId;
import io.usernetes.identity.declared.HostIdOwners;
import io.usernetes.identity.declared.HostIdOwners.Collision;
import io.usernetes.identity.idmap.IdList;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code identity-map collisions}: container ids that share a host id. */
@Command(name = "collisions", header = "The host ids that two or more container ids share.", mixinStandardHelpOptions = true,
    description = {
        "List every host id that two or more container ids share. Two such ids are one user",
        "to the kernel: files and processes of one are accessible to the other.",
        "",
        "Checks the users of --passwd (uid map), the groups of --group (gid map) and the ids of",
        "--ids (uid map, or gid map with --gid). With none of them: --ids 0-65535.",
        "",
        "Example: identity-map collisions --passwd rootfs/etc/passwd",
        "",
        "Exit status 1 when there are collisions."})
final class CollisionsCommand implements Callable<Integer> {
  @ParentCommand IdentityMapCommand parent;
  @Spec CommandSpec spec;

  @Option(names = "--passwd", paramLabel = "FILE", description = "An image's /etc/passwd.")
  Path passwd;

  @Option(names = "--group", paramLabel = "FILE", description = "An image's /etc/group.")
  Path group;

  @Option(names = "--ids", paramLabel = "LIST|RANGE",
      description = "Ids to check, e.g. 60000,1428 or 0-65535 or 1000-1999,60000.")
  String ids;

  @Option(names = "--gid", description = "Check --ids with the gid map.")
  boolean gid;

  @Option(names = "--json", description = "Print JSON instead of text.")
  boolean json;

  @Override
  public Integer call() {
    Configuration config = parent.shared.configuration();
    PrintWriter err = spec.commandLine().getErr();
    Map<String, List<Collision>> found = new LinkedHashMap<>();
    if (passwd != null) {
      found.put("uid (" + passwd + ")", new HostIdOwners(config.uidMap(),
          AccountFiles.read(AccountFile.Kind.PASSWD, passwd, err).accounts()).collisions());
    }
    if (group != null) {
      found.put("gid (" + group + ")", new HostIdOwners(config.gidMap(),
          AccountFiles.read(AccountFile.Kind.GROUP, group, err).accounts()).collisions());
    }
    if (ids != null || (passwd == null && group == null)) {
      String list = ids == null ? "0-65535" : ids;
      long[] parsed;
      try {
        parsed = IdList.parse(list);
      } catch (IllegalArgumentException e) {
        throw new UsageError(e.getMessage());
      }
      List<DeclaredId> given = new ArrayList<>(parsed.length);
      for (long id : parsed) {
        given.add(new DeclaredId("", id));
      }
      found.put((gid ? "gid" : "uid") + " (ids " + list + ")",
          new HostIdOwners(config.map(gid), given).collisions());
    }
    print(found);
    return found.values().stream().anyMatch(c -> !c.isEmpty()) ? ExitCodes.FOUND : ExitCodes.OK;
  }

  private void print(Map<String, List<Collision>> found) {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      List<Map<String, Object>> sets = new ArrayList<>();
      found.forEach((what, collisions) -> {
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("checked", what);
        set.put("pairs", collisions.stream().mapToLong(Collision::pairs).sum());
        set.put("collisions", collisions);
        sets.add(set);
      });
      Json.print(out, sets);
      return;
    }
    found.forEach((what, collisions) -> {
      long pairs = collisions.stream().mapToLong(Collision::pairs).sum();
      out.println(what + ": " + (collisions.isEmpty() ? "no collisions"
          : collisions.size() + " shared host ids, " + pairs + " colliding pairs"));
      for (Collision c : collisions) {
        out.println("  host " + c.host() + ": " + c.ids().stream()
            .map(d -> d.name().isEmpty() ? Long.toString(d.id()) : d.toString())
            .collect(Collectors.joining(", ")));
      }
    });
    out.flush();
  }
}
