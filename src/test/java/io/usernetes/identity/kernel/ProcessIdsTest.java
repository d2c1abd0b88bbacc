package io.usernetes.identity.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProcessIdsTest {
  /** {@code Uid:} and {@code Gid:} in /proc/self/status list real, effective, saved and fs ids. */
  static long[] ids(String field) throws Exception {
    String line = Files.readAllLines(Path.of("/proc/self/status")).stream()
        .filter(l -> l.startsWith(field + ":")).findFirst().orElseThrow();
    String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
    return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
  }

  @Test
  void idsMatchProcSelfStatus() throws Exception {
    assertEquals(ids("Uid")[0], ProcessIds.getuid());
    assertEquals(ids("Uid")[1], ProcessIds.geteuid());
    assertEquals(ids("Gid")[0], ProcessIds.getgid());
  }
}
