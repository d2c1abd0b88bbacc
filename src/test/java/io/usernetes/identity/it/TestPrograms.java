package io.usernetes.identity.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The tests' own C programs ({@code src/test/native/NAME.c}), built static once per test run
 * into {@code target/test-native/} so that they run on the host and inside a busybox rootfs alike.
 */
final class TestPrograms {
  private TestPrograms() {}

  static synchronized Path build(String name) throws Exception {
    Path out = Installed.project().resolve("target/test-native").resolve(name);
    Path source = Installed.project().resolve("src/test/native").resolve(name + ".c");
    if (!Files.isExecutable(out) || Files.getLastModifiedTime(out).compareTo(Files.getLastModifiedTime(source)) < 0) {
      Files.createDirectories(out.getParent());
      Sh.ok(List.of("gcc", "-O2", "-Wall", "-Wextra", "-Werror", "-static", "-pthread", "-o", out.toString(),
          source.toString()));
    }
    return out;
  }
}
