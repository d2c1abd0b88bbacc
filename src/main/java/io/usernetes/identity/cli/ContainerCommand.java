package io.usernetes.identity.cli;

import io.usernetes.identity.config.Configuration;
import io.usernetes.identity.declared.AccountFile;
import io.usernetes.identity.declared.DeclaredId;
import io.usernetes.identity.declared.HostIdResolver;
import io.usernetes.identity.declared.Resolution;
import io.usernetes.identity.idmap.IdMap;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code identity-map container HOSTID}: which declared container ids a host id stands for. */
@Command(name = "container", mixinStandardHelpOptions = true,
    description = {
        "Find the container id behind a host id, the way the supervisor and the mount program",
        "do: a pinned segment if one covers it, else the one id the image's passwd (for uids)",
        "or group file (for gids) declares on it, else the host id itself. Several declared",
        "ids on one host id are a collision: reported, never guessed.",
        "",
        "Example: identity-map container 1633 --passwd rootfs/etc/passwd",
        "",
        "Exit status 1 when a host id is ambiguous."})
final class ContainerCommand implements Callable<Integer> {
  @ParentCommand IdentityMapCommand parent;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "HOSTID", description = "A host id.")
  String hostId;

  @Option(names = "--passwd", paramLabel = "FILE",
      description = "The image's /etc/passwd: resolve HOSTID as a uid.")
  Path passwd;

  @Option(names = "--group", paramLabel = "FILE",
      description = "The image's /etc/group: resolve HOSTID as a gid.")
  Path group;

  @Option(names = "--json", description = "Print JSON instead of text.")
  boolean json;

  @Override
  public Integer call() {
    if (passwd == null && group == null) {
      throw new UsageError("container needs --passwd FILE (for a uid) and/or --group FILE (for a gid)");
    }
    long host = HostCommand.parseId(hostId, "host id");
    Configuration config = parent.shared.configuration();
    PrintWriter err = spec.commandLine().getErr();
    Map<String, Resolution> results = new LinkedHashMap<>();
    if (passwd != null) {
      results.put("uid", resolve(config.uidMap(), AccountFiles.read(AccountFile.Kind.PASSWD, passwd, err), host));
    }
    if (group != null) {
      results.put("gid", resolve(config.gidMap(), AccountFiles.read(AccountFile.Kind.GROUP, group, err), host));
    }
    print(results, config);
    boolean ambiguous = results.values().stream()
        .anyMatch(r -> r.source() == Resolution.Source.AMBIGUOUS);
    return ambiguous ? ExitCodes.FOUND : ExitCodes.OK;
  }

  private static Resolution resolve(IdMap map, AccountFile file, long host) {
    return HostIdResolver.of(map, file.accounts()).resolve(host);
  }

  private void print(Map<String, Resolution> results, Configuration config) {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      List<Map<String, Object>> rows = new ArrayList<>();
      results.forEach((kind, r) -> {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("kind", kind);
        row.put("host", r.host());
        row.put("container", r.container());
        row.put("source", r.source().name().toLowerCase(Locale.ROOT));
        row.put("candidates", r.candidates());
        row.put("inMap", config.map(kind.equals("gid")).coversHost(r.host()));
        rows.add(row);
      });
      Json.print(out, rows);
      return;
    }
    results.forEach((kind, r) -> out.println(kind + ": " + describe(r, config.map(kind.equals("gid")))));
    out.flush();
  }

  private static String describe(Resolution r, IdMap map) {
    String head = "host " + r.host() + " -> ";
    return switch (r.source()) {
      case PINNED -> head + r.container() + " (pinned)";
      case DECLARED -> head + r.container() + " (declared by " + r.candidates().get(0).name() + ")";
      case AMBIGUOUS -> head + "AMBIGUOUS: " + r.candidates().stream().map(DeclaredId::toString)
          .collect(Collectors.joining(", ")) + " all map here; a process would see " + r.host();
      case UNDECLARED -> head + r.container() + " (no declared id maps here"
          + (map.coversHost(r.host()) ? "" : "; the host id is outside the map " + map.spec())
          + ")";
    };
  }
}
