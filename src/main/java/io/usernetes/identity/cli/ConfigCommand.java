package io.usernetes.identity.cli;

import io.usernetes.identity.config.Configuration;
import io.usernetes.identity.config.Setting;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code identity-map config}: the effective configuration and where each value came from. */
@Command(name = "config", header = "The effective configuration and where each value came from.", mixinStandardHelpOptions = true,
    description = {
        "Print the configuration all three programs share, each value with where it came from:",
        "built-in default < /etc/usernetes-identity/config.toml < the user's",
        "$XDG_CONFIG_HOME/usernetes-identity/config.toml (~/.config/...) < USERNETES_IDENTITY_*",
        "environment variables < flags. --config FILE or USERNETES_IDENTITY_CONFIG=FILE",
        "replace both files."})
final class ConfigCommand implements Callable<Integer> {
  @ParentCommand IdentityMapCommand parent;
  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print JSON instead of text.")
  boolean json;

  @Override
  public Integer call() {
    Configuration config = parent.shared.configuration();
    List<Path> files = parent.shared.loader().files(parent.shared.explicitFile());
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (Setting s : Setting.values()) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("key", s.key());
        row.put("value", config.value(s));
        row.put("origin", config.origin(s).kind().name().toLowerCase(java.util.Locale.ROOT));
        row.put("from", config.origin(s).where());
        row.put("environment", s.environmentVariable());
        rows.add(row);
      }
      Json.print(out, Map.of("files", files.stream().map(Path::toString).toList(), "settings", rows));
      return ExitCodes.OK;
    }
    out.println("config files read: " + (files.isEmpty() ? "none" : files));
    for (Setting s : Setting.values()) {
      out.printf("%-12s = %-32s (%s)%n", s.key(), '"' + config.value(s) + '"', config.origin(s));
    }
    out.flush();
    return ExitCodes.OK;
  }
}
