package io.usernetes.identity.cli;

import io.usernetes.identity.config.Configuration;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.ownership.FileOwnership;
import io.usernetes.identity.ownership.OwnershipInspector;
import io.usernetes.identity.ownership.PathBytes;
import io.usernetes.identity.ownership.Unreadable;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code identity-map stat PATH...}: host owner, record and container view of files. */
@Command(name = "stat", header = "Each file's host owner, record and container view.", mixinStandardHelpOptions = true,
    description = {
        "Show, for each file in a layer (without following symlinks): the host owner, the",
        "ownership record, and the owner a container sees in container mode. A record that is",
        "corrupt, or whose id does not map to the host owner (drifted), is flagged and ignored.",
        "",
        "Regular files and directories keep their record in user.usernetes.uid/gid; symlinks",
        "and special files in the user.usernetes.entry xattr of .wh..wh.usernetes/<key> beside",
        "them (key: the first 32 hex digits of SHA-256 of the name).",
        "",
        "A path that is not printable UTF-8 is shown in double quotes, with each",
        "byte outside printable ASCII as \\xNN, and \\\" and \\\\ escaped; a path shown",
        "as it is never starts with a double quote. PATH is taken byte for byte, as",
        "the shell passed it, whatever the locale.",
        "",
        "Exit status 1 when a record is bad, 2 when a file cannot be read."})
final class StatCommand implements Callable<Integer> {
  @ParentCommand IdentityMapCommand parent;
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files in a layer or directory.")
  List<String> paths;

  @Option(names = "--json", description = "Print JSON instead of text.")
  boolean json;

  @Mixin LayerNamespaceOption layerNamespace;

  @Mixin ImageAccountsOption image;

  @Override
  public Integer call() {
    Configuration config = parent.shared.configuration();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    OwnershipInspector inspector = new OwnershipInspector(image.uids(config.uidMap(), err),
        image.gids(config.gidMap(), err), layerNamespace.namespace());
    List<Map<String, Object>> rows = new ArrayList<>();
    boolean problem = false;
    boolean unreadable = false;
    for (String path : paths) {
      byte[] bytes = ArgumentBytes.of(path);
      FileOwnership f;
      try {
        f = inspector.inspect(bytes);
      } catch (ErrnoException e) {
        err.println("identity-map: " + IoMessages.describe(Unreadable.of(PathBytes.normalize(bytes), e)));
        err.flush();
        unreadable = true;
        continue;
      }
      problem |= f.hasProblem();
      if (json) {
        rows.add(OwnershipText.json(f));
      } else {
        out.println(OwnershipText.path(f) + ": " + f.type().name().toLowerCase(Locale.ROOT).replace('_', ' '));
        out.println("  " + OwnershipText.line("uid", f.uid(), config.uidMap()));
        out.println("  " + OwnershipText.line("gid", f.gid(), config.gidMap()));
      }
    }
    if (json) {
      Json.print(out, rows);
    }
    out.flush();
    return unreadable ? ExitCodes.USAGE : problem ? ExitCodes.FOUND : ExitCodes.OK;
  }
}
