package io.usernetes.identity.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What an OCI runtime's command line asks for, as far as the wrapper cares: whether it creates a
 * container ({@code create} or {@code run}), from which bundle, and where its caller reads errors.
 * runc and crun share the form {@code RUNTIME [GLOBAL OPTIONS] COMMAND [OPTIONS] ID}; the bundle
 * is {@code --bundle DIR} ({@code -b DIR}, {@code --bundle=DIR}), else the working directory.
 * containerd's shim passes {@code --log FILE --log-format json} and shows the last error line of
 * that file, not the runtime's stderr.
 */
public record RuntimeInvocation(String command, Optional<Path> bundle, Optional<Path> jsonLog) {
  /** Global options of runc and crun that take a value as the next argument. */
  private static final Set<String> GLOBAL_WITH_VALUE = Set.of("--log", "--log-format", "--root", "--criu",
      "--rootless", "--cgroup-manager", "--log-level");
  private static final Set<String> CREATING = Set.of("create", "run");

  /** The invocation {@code args} make; {@code command} is empty when there is none. */
  public static RuntimeInvocation parse(List<String> args) {
    int i = 0;
    String log = null;
    String logFormat = "text";
    while (i < args.size() && args.get(i).startsWith("-")) {
      String a = args.get(i);
      String value = GLOBAL_WITH_VALUE.contains(a) && i + 1 < args.size() ? args.get(i + 1)
          : a.indexOf('=') > 0 ? a.substring(a.indexOf('=') + 1) : null;
      String name = a.indexOf('=') > 0 ? a.substring(0, a.indexOf('=')) : a;
      if (name.equals("--log")) {
        log = value;
      } else if (name.equals("--log-format")) {
        logFormat = value;
      }
      i += GLOBAL_WITH_VALUE.contains(a) ? 2 : 1;
    }
    Optional<Path> jsonLog = log != null && "json".equals(logFormat) ? Optional.of(Path.of(log)) : Optional.empty();
    if (i >= args.size()) {
      return new RuntimeInvocation("", Optional.empty(), jsonLog);
    }
    String command = args.get(i);
    if (!CREATING.contains(command)) {
      return new RuntimeInvocation(command, Optional.empty(), jsonLog);
    }
    Path bundle = null;
    for (int j = i + 1; j < args.size(); j++) {
      String a = args.get(j);
      if ((a.equals("--bundle") || a.equals("-b")) && j + 1 < args.size()) {
        bundle = Path.of(args.get(++j));
      } else if (a.startsWith("--bundle=")) {
        bundle = Path.of(a.substring("--bundle=".length()));
      } else if (a.equals("--")) {
        break;
      }
    }
    return new RuntimeInvocation(command, Optional.of(bundle == null ? Path.of("") : bundle), jsonLog);
  }

  /** Whether this creates a container, so its bundle's config gets its user namespace. */
  public boolean creates() {
    return bundle.isPresent();
  }
}
