package io.usernetes.identity.cli;

import io.usernetes.identity.config.Configuration;
import io.usernetes.identity.declared.AccountFile;
import io.usernetes.identity.declared.DeclaredId;
import io.usernetes.identity.declared.HostIdResolver;
import io.usernetes.identity.declared.PoolView;
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
@Command(name = "container", header = "The container id behind a host id.", mixinStandardHelpOptions = true,
    description = {
        "Find the container id behind a host id, the way the supervisor and the mount program",
        "do: a pinned segment if one covers it, else the one id the image's passwd (for uids)",
        "or group file (for gids) declares on it, else the host id itself. Several declared",
        "ids on one host id are a collision: on disk only the files' records tell them apart;",
        "inside a container the lowest keeps the host id and each other moves to a free pool",
        "id (the mount program, identity-runtime and the supervisor agree), shown here.",
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
    Map<String, PoolView> views = new LinkedHashMap<>();
    if (passwd != null) {
      AccountFile file = AccountFiles.read(AccountFile.Kind.PASSWD, passwd, err);
      results.put("uid", HostIdResolver.of(config.uidMap(), file.accounts()).resolve(host));
      views.put("uid", PoolView.of(config.uidMap(), file.accounts()));
    }
    if (group != null) {
      AccountFile file = AccountFiles.read(AccountFile.Kind.GROUP, group, err);
      results.put("gid", HostIdResolver.of(config.gidMap(), file.accounts()).resolve(host));
      views.put("gid", PoolView.of(config.gidMap(), file.accounts()));
    }
    print(results, views, config);
    boolean ambiguous = results.values().stream()
        .anyMatch(r -> r.source() == Resolution.Source.AMBIGUOUS);
    return ambiguous ? ExitCodes.FOUND : ExitCodes.OK;
  }

  private void print(Map<String, Resolution> results, Map<String, PoolView> views, Configuration config) {
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
        row.put("inContainer", inContainer(r, views.get(kind)));
        row.put("inMap", config.map(kind.equals("gid")).coversHost(r.host()));
        rows.add(row);
      });
      Json.print(out, rows);
      return;
    }
    results.forEach((kind, r) -> out.println(kind + ": " + describe(r, views.get(kind), config.map(kind.equals("gid")))));
    out.flush();
  }

  /** Where each candidate sits inside a container: {@code id → host id}. */
  private static Map<Long, Long> inContainer(Resolution r, PoolView view) {
    Map<Long, Long> where = new LinkedHashMap<>();
    r.candidates().forEach(d -> where.put(d.id(), view.hostOf(d.id())));
    return where;
  }

  private static String describe(Resolution r, PoolView view, IdMap map) {
    String head = "host " + r.host() + " -> ";
    String movedHere = view.movedOnto(r.host()).isPresent()
        ? "; in a container " + view.movedOnto(r.host()).getAsLong() + " moves here" : "";
    return switch (r.source()) {
      case PINNED -> head + r.container() + " (pinned)";
      case DECLARED -> head + r.container() + " (declared by " + r.candidates().get(0).name() + movedHere + ")";
      case AMBIGUOUS -> head + "AMBIGUOUS: " + r.candidates().stream().map(DeclaredId::toString)
          .collect(Collectors.joining(", ")) + " all map here; in a container "
          + r.candidates().stream().map(d -> view.movedTo(d.id()).isPresent()
              ? d.id() + " moves to " + view.movedTo(d.id()).getAsLong() : d.id() + " keeps it")
              .collect(Collectors.joining(", "));
      case UNDECLARED -> head + r.container() + " (no declared id maps here"
          + (map.coversHost(r.host()) ? "" : "; the host id is outside the map " + map.spec())
          + movedHere + ")";
    };
  }
}
