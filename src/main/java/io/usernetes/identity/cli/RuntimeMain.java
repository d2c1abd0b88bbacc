package io.usernetes.identity.cli;

import io.usernetes.identity.config.ConfigException;
import io.usernetes.identity.config.ConfigLoader;
import io.usernetes.identity.config.Configuration;
import io.usernetes.identity.daemon.DaemonLog;
import io.usernetes.identity.idmap.UserNamespaceMap;
import io.usernetes.identity.runtime.BundleConfig;
import io.usernetes.identity.runtime.ContainerNamespace;
import io.usernetes.identity.runtime.NotifyRules;
import io.usernetes.identity.runtime.RootfsRemount;
import io.usernetes.identity.runtime.RuntimeInvocation;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code identity-runtime}'s Java half: the launcher runs it for {@code create} and {@code run}
 * only, then execs the real runtime with the same arguments. It gives the bundle's container its
 * sparse user namespace, in a node namespace of few ids a usernetes-identity mount for a root
 * that is a kernel overlay ({@link RootfsRemount}), and, where the supervisor-socket setting names
 * one, the supervisor's notify rules; a bundle it cannot read stops the container with one line
 * on stderr (and in runc's JSON log, where containerd reads errors), as the runtime itself would;
 * what the maps cannot hold is a warning, not an error.
 */
public final class RuntimeMain {
  static final String PROGRAM = "identity-runtime";

  private RuntimeMain() {}

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("serve")) {
      System.exit(ProgramCommandLine.create(PROGRAM + " serve", new RuntimeServeCommand())
          .execute(Arrays.copyOfRange(args, 1, args.length)));
    }
    System.exit(run(List.of(args), Path.of("").toAbsolutePath(), DaemonLog.callerStderr(),
        () -> ConfigLoader.forThisProcess().load(Map.of(), Optional.empty())));
  }

  /**
   * Does what the launcher asks for the runtime command line {@code args} run in {@code cwd}
   * (here, or for the resident service's client); returns the exit status.
   */
  static int run(List<String> args, Path cwd, PrintStream err, Supplier<Configuration> configuration) {
    RuntimeInvocation invocation = RuntimeInvocation.parse(args);
    if (!invocation.creates()) {
      return ExitCodes.OK;
    }
    try {
      Configuration config = configuration.get();
      BundleConfig bundle = BundleConfig.read(cwd.resolve(invocation.bundle().orElseThrow()));
      Optional<ContainerNamespace.Applied> applied = ContainerNamespace.apply(bundle, config.uidMap(), config.gidMap());
      if (applied.isEmpty()) {
        return ExitCodes.OK;
      }
      List<String> warnings = new ArrayList<>(applied.get().warnings());
      if (!UserNamespaceMap.thisProcessMapsAllContainerIds()) {
        RootfsRemount.apply(bundle.rootfs(), Optional.ofNullable(System.getProperty(
            RootfsRemount.MOUNT_PROGRAM_PROPERTY)).map(Path::of)).ifPresent(warnings::add);
      }
      config.supervisorSocket().ifPresent(socket -> warnings.addAll(NotifyRules.apply(bundle, socket)));
      bundle.write();
      for (String w : warnings) {
        err.println(PROGRAM + ": warning: " + w);
      }
      return ExitCodes.OK;
    } catch (IOException | ConfigException e) {
      String message = PROGRAM + ": " + e.getMessage();
      err.println(message);
      invocation.jsonLog().ifPresent(log -> RuntimeErrorLog.append(cwd.resolve(log), message, err));
      return 1;
    }
  }
}
