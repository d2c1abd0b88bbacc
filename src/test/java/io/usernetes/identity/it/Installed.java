package io.usernetes.identity.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The launchers as {@code scripts/install} puts them in a prefix, installed once per test run from
 * the jar {@code package} built, and a way to run them as podman would: minimal environment,
 * working directory {@code /}.
 */
public final class Installed {
  private static Path prefix;

  private Installed() {}

  public static Path project() {
    return Path.of(System.getProperty("usernetes.project", ".")).toAbsolutePath();
  }

  public static synchronized Path prefix() throws Exception {
    if (prefix == null) {
      Path dir = project().resolve("target/it-install");
      Sh.Result r = run(List.of(project().resolve("scripts/install").toString(), "--prefix", dir.toString(),
          "--jar", System.getProperty("usernetes.jar", "target/usernetes-identity.jar")), List.of());
      if (r.status() != 0) {
        throw new IllegalStateException("scripts/install failed: " + r.err());
      }
      prefix = dir;
    }
    return prefix;
  }

  public static Path bin(String program) throws Exception {
    return prefix().resolve("bin").resolve(program);
  }

  /** Runs a command under {@code env -i} plus the given VAR=value pairs, from {@code /}. */
  public static Sh.Result run(List<String> command, List<String> environment) throws Exception {
    List<String> argv = new ArrayList<>(List.of("env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin"));
    argv.addAll(environment);
    argv.addAll(command);
    return Sh.exec(argv);
  }
}
