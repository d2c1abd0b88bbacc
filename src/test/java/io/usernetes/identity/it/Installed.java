package io.usernetes.identity.it;

import io.usernetes.identity.kernel.KernelFallback;
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
    List<String> argv = minimalEnvironment();
    argv.addAll(environment);
    argv.addAll(command);
    return Sh.exec(argv);
  }

  /**
   * {@code env -i PATH=...}: the minimal environment podman gives its helpers, plus {@link
   * KernelFallback#VARIABLE} when this test run forces kernel fallbacks (pom.xml's kernel-fallbacks
   * execution), so that the programs under test take the paths the run is about.
   */
  public static List<String> minimalEnvironment() {
    List<String> argv = new ArrayList<>(List.of("env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin"));
    String forced = System.getenv(KernelFallback.VARIABLE);
    if (forced != null) {
      argv.add(KernelFallback.VARIABLE + "=" + forced);
    }
    return argv;
  }
}
