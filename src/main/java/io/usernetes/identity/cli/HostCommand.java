package io.usernetes.identity.cli;

import io.usernetes.identity.idmap.HostId;
import io.usernetes.identity.idmap.IdMap;
import io.usernetes.identity.idmap.Ids;
import io.usernetes.identity.idmap.Placement;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code identity-map host ID...}: the host id of each container id. */
@Command(name = "host", header = "The host id of each container id.", mixinStandardHelpOptions = true,
    description = {
        "Print the host id of each container id, and whether a pinned segment placed it or",
        "it was hashed into the pool.",
        "",
        "Example: identity-map host 0 60000 65534",
        "  0 -> 0 pinned (segment 0:0:1)",
        "  60000 -> 1633 hashed into pool 1-1999",
        "  65534 -> 2000 pinned (segment 65534:2000:2)"})
final class HostCommand implements Callable<Integer> {
  @ParentCommand IdentityMapCommand parent;
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "ID", description = "Container ids (0-4294967294).")
  List<String> ids;

  @Option(names = "--gid", description = "Use the gid map instead of the uid map.")
  boolean gid;

  @Option(names = "--json", description = "Print JSON instead of text.")
  boolean json;

  @Override
  public Integer call() {
    IdMap map = parent.shared.configuration().map(gid);
    List<HostId> placed = new ArrayList<>();
    for (String id : ids) {
      placed.add(map.describe(parseId(id, "container id")));
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (HostId h : placed) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("container", h.container());
        row.put("host", h.host());
        row.put("placement", h.placement().name().toLowerCase(java.util.Locale.ROOT));
        row.put("segment", h.segment().toString());
        rows.add(row);
      }
      Json.print(out, Map.of("map", gid ? "gid" : "uid", "ids", rows));
    } else {
      for (HostId h : placed) {
        out.println(h.container() + " -> " + h.host() + " " + (h.placement() == Placement.PINNED
            ? "pinned (segment " + h.segment() + ")"
            : "hashed into pool " + h.segment().host() + "-" + (h.segment().hostEnd() - 1)));
      }
      out.flush();
    }
    return ExitCodes.OK;
  }

  static long parseId(String text, String what) {
    try {
      return Ids.parseOrThrow(text, what);
    } catch (IllegalArgumentException e) {
      throw new UsageError(e.getMessage());
    }
  }
}
