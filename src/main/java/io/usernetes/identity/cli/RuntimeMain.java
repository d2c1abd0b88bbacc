package io.usernetes.identity.cli;

import io.usernetes.identity.config.ConfigException;
import io.usernetes.identity.config.ConfigLoader;
import io.usernetes.identity.config.Configuration;
import io.usernetes.identity.daemon.DaemonLog;
import io.usernetes.identity.runtime.BundleConfig;
import io.usernetes.identity.runtime.ContainerNamespace;
import io.usernetes.identity.runtime.NotifyRules;
import io.usernetes.identity.runtime.RuntimeInvocation;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code identity-runtime}'s Java half: the launcher runs it for {@code create} and {@code run}
 * only, then execs the real runtime with the same arguments. It gives the bundle's container its
 * sparse user namespace and, where the supervisor-socket setting names one, the supervisor's notify
 * rules; a bundle it cannot read stops the container with one line on stderr, as the runtime itself
 * would; what the maps cannot hold is a warning, not an error.
 */
public final class RuntimeMain {
  static final String PROGRAM = "identity-runtime";

  private RuntimeMain() {}

  public static void main(String[] args) {
    System.exit(run(List.of(args), DaemonLog.callerStderr()));
  }

  static int run(List<String> args, PrintStream err) {
    RuntimeInvocation invocation = RuntimeInvocation.parse(args);
    if (!invocation.creates()) {
      return ExitCodes.OK;
    }
    try {
      Configuration config = ConfigLoader.forThisProcess().load(Map.of(), Optional.empty());
      BundleConfig bundle = BundleConfig.read(invocation.bundle().orElseThrow());
      Optional<ContainerNamespace.Applied> applied = ContainerNamespace.apply(bundle, config.uidMap(), config.gidMap());
      if (applied.isEmpty()) {
        return ExitCodes.OK;
      }
      List<String> warnings = new ArrayList<>(applied.get().warnings());
      config.supervisorSocket().ifPresent(socket -> warnings.addAll(NotifyRules.apply(bundle, socket)));
      bundle.write();
      for (String w : warnings) {
        err.println(PROGRAM + ": warning: " + w);
      }
      return ExitCodes.OK;
    } catch (IOException | ConfigException e) {
      err.println(PROGRAM + ": " + e.getMessage());
      return 1;
    }
  }
}
