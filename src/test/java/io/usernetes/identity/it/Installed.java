package io.usernetes.identity.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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

  public static synchronized Path prefix() throws IOException, InterruptedException {
    if (prefix == null) {
      Path dir = project().resolve("target/it-install");
      Result r = run(List.of(project().resolve("scripts/install").toString(), "--prefix", dir.toString(),
          "--jar", System.getProperty("usernetes.jar", "target/usernetes-identity.jar")), List.of());
      if (r.status() != 0) {
        throw new IllegalStateException("scripts/install failed: " + r.err());
      }
      prefix = dir;
    }
    return prefix;
  }

  public static Path bin(String program) throws IOException, InterruptedException {
    return prefix().resolve("bin").resolve(program);
  }

  /** What a finished process printed and returned. */
  public record Result(int status, String out, String err) {}

  /** Runs a command under {@code env -i} plus the given VAR=value pairs, from {@code /}. */
  public static Result run(List<String> command, List<String> environment)
      throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin"));
    argv.addAll(environment);
    argv.addAll(command);
    Path out = Files.createTempFile("it-out", ".txt");
    Path err = Files.createTempFile("it-err", ".txt");
    try {
      Process p = new ProcessBuilder(argv).directory(Path.of("/").toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: " + argv);
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
