package io.usernetes.identity.cli;

import io.usernetes.identity.config.Configuration;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Printable;
import io.usernetes.identity.ownership.FileOwnership;
import io.usernetes.identity.ownership.OwnershipCensus;
import io.usernetes.identity.ownership.OwnershipInspector;
import io.usernetes.identity.ownership.PathBytes;
import io.usernetes.identity.ownership.TreeScan;
import io.usernetes.identity.ownership.Unreadable;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code identity-map tree DIR}: a census of ownership in a layer. */
@Command(name = "tree", header = "A census of a layer's owners and records.", mixinStandardHelpOptions = true,
    description = {
        "Walk a layer or directory (without following symlinks) and count files per true",
        "owner, files without a record, and drifted or corrupt records, listing each bad one.",
        "Progress goes to stderr every " + TreeScan.PROGRESS_EVERY + " entries.",
        "",
        "A path that is not printable UTF-8 is shown in double quotes, with each",
        "byte outside printable ASCII as \\xNN, and \\\" and \\\\ escaped; a path shown",
        "as it is never starts with a double quote.",
        "",
        "Exit status 1 when a record is bad or an entry cannot be read."})
final class TreeCommand implements Callable<Integer> {
  @ParentCommand IdentityMapCommand parent;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "A layer or directory.")
  String root;

  @Option(names = "--json", description = "Print JSON instead of text.")
  boolean json;

  @Mixin LayerNamespaceOption layerNamespace;

  @Mixin ImageAccountsOption image;

  @Option(names = {"-q", "--quiet"}, description = "No progress on stderr.")
  boolean quiet;

  @Override
  public Integer call() {
    Configuration config = parent.shared.configuration();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    byte[] rootPath = PathBytes.normalize(ArgumentBytes.of(root));
    OwnershipCensus census;
    try {
      census = TreeScan.scan(rootPath, new OwnershipInspector(image.uids(config.uidMap(), err),
          image.gids(config.gidMap(), err), layerNamespace.namespace()), seen -> {
        if (!quiet) {
          err.println("identity-map: " + seen + " entries scanned...");
          err.flush();
        }
      });
    } catch (ErrnoException e) {
      err.println("identity-map: " + IoMessages.describe(Unreadable.of(rootPath, e)));
      err.flush();
      return ExitCodes.USAGE;
    }
    String shownRoot = Printable.shown(rootPath);
    List<String> unreadable = census.unreadable().stream().map(IoMessages::describe).toList();
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("root", shownRoot);
      doc.put("entries", census.files());
      doc.put("withRecord", census.withRecord());
      doc.put("withoutRecord", census.withoutRecord());
      doc.put("filesPerUid", census.filesPerUid());
      doc.put("filesPerGid", census.filesPerGid());
      List<Map<String, Object>> problems = new ArrayList<>();
      census.problems().forEach(f -> problems.add(OwnershipText.json(f)));
      doc.put("problems", problems);
      doc.put("unreadable", unreadable);
      Json.print(out, doc);
    } else {
      out.println(shownRoot + ": " + census.files() + " entries, " + census.withRecord()
          + " with an ownership record, " + census.withoutRecord() + " without");
      out.println("files per container uid: " + counts(census.filesPerUid()));
      out.println("files per container gid: " + counts(census.filesPerGid()));
      out.println(census.problems().size() + " bad records, " + census.unreadable().size()
          + " unreadable entries");
      for (FileOwnership f : census.problems()) {
        out.println("  " + OwnershipText.path(f));
        if (f.uid().status().isProblem()) {
          out.println("    " + OwnershipText.line("uid", f.uid(), config.uidMap()));
        }
        if (f.gid().status().isProblem()) {
          out.println("    " + OwnershipText.line("gid", f.gid(), config.gidMap()));
        }
      }
      unreadable.forEach(u -> out.println("  unreadable: " + u));
      out.flush();
    }
    return census.clean() ? ExitCodes.OK : ExitCodes.FOUND;
  }

  private static String counts(Map<Long, Long> perId) {
    StringBuilder text = new StringBuilder();
    perId.forEach((id, n) -> text.append(text.length() == 0 ? "" : ", ").append(id).append(" x").append(n));
    return text.length() == 0 ? "none" : text.toString();
  }
}
