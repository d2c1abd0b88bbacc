package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs commands and bash scripts for the mount tests (UTF-8 locale, from {@code /}). */
final class Sh {
  private Sh() {}

  record Result(int status, String out, String err) {}

  static Result exec(List<String> command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).directory(Path.of("/").toFile());
    pb.environment().put("LC_ALL", "C.UTF-8");
    Path out = java.nio.file.Files.createTempFile("sh-out", ".txt");
    Path err = java.nio.file.Files.createTempFile("sh-err", ".txt");
    try {
      Process p = pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + command);
      }
      return new Result(p.exitValue(), java.nio.file.Files.readString(out, StandardCharsets.UTF_8),
          java.nio.file.Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      java.nio.file.Files.deleteIfExists(out);
      java.nio.file.Files.deleteIfExists(err);
    }
  }

  /** Runs a command that must succeed; returns its stdout. */
  static String ok(List<String> command) throws Exception {
    Result r = exec(command);
    assertEquals(0, r.status(), String.join(" ", command) + " failed: " + r.err() + r.out());
    return r.out();
  }

  /** Runs a bash script (prefixed by {@code enter}, e.g. nsenter) with {@code set -e}. */
  static Result bash(List<String> enter, String script) throws Exception {
    List<String> argv = new ArrayList<>(enter);
    argv.addAll(List.of("bash", "-c", "set -e\n" + script));
    return exec(argv);
  }

  static Result bash(String script) throws Exception {
    return bash(List.of(), script);
  }

  /** Runs a bash script that must succeed; returns its stdout. */
  static String ok(String script) throws Exception {
    return ok(List.of(), script);
  }

  static String ok(List<String> enter, String script) throws Exception {
    Result r = bash(enter, script);
    assertEquals(0, r.status(), "script failed: " + script + "\nstderr: " + r.err() + "\nstdout: " + r.out());
    return r.out();
  }

  /** Runs a python3 program (for byte-exact names and errno checks); returns its stdout. */
  static String python(String program) throws Exception {
    Result r = exec(List.of("python3", "-c", program));
    assertEquals(0, r.status(), "python failed: " + program + "\n" + r.err());
    return r.out();
  }

  /**
   * Runs python3 {@code statement} (with {@code os} imported) and returns "OK" or the errno's
   * name (e.g. "EINVAL") it failed with.
   */
  static String errno(String statement) throws Exception {
    return python("import os, errno\ntry:\n    " + statement
        + "\n    print('OK')\nexcept OSError as e:\n    print(errno.errorcode[e.errno])\n").strip();
  }
}
