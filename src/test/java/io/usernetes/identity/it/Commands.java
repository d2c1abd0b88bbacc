package io.usernetes.identity.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command with this JVM's environment and keeps what it printed. */
public final class Commands {
  private Commands() {}

  public static Installed.Result run(List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("cmd-out", ".txt");
    Path err = Files.createTempFile("cmd-err", ".txt");
    try {
      Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      if (!p.waitFor(3, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: " + command);
      }
      return new Installed.Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** Runs a command that must succeed; returns its stdout. */
  public static String ok(List<String> command) throws IOException, InterruptedException {
    Installed.Result r = run(command);
    if (r.status() != 0) {
      throw new AssertionError(String.join(" ", command) + " exited " + r.status() + ": " + r.err());
    }
    return r.out();
  }

  /** How many mount program daemons have {@code text} on their command line. */
  public static long mountDaemons(String text) throws IOException, InterruptedException {
    Installed.Result r = run(List.of("pgrep", "-fc", "io.usernetes.identity.cli.MountMain.*" + text));
    return Long.parseLong(r.out().strip());
  }
}
