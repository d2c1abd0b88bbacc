package io.usernetes.identity.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usernetes.identity.image.Tars;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConvertImageCommandTest {
  @TempDir Path dir;

  private Path image() throws IOException {
    return Files.write(dir.resolve("app.tar"), Tars.dockerArchive("example.com/app:1.0", Tars.smallLayer()));
  }

  @Test
  void aConversionPrintsOneLineOfWhatItWrote() throws IOException {
    Path out = dir.resolve("app-pool.tar");
    CliRun run = CliRun.of("convert-image", image().toString(), out.toString());
    assertEquals(0, run.status(), run.err());
    assertEquals(out + ": example.com/app:1.0-pool, 1 layers, 3 entries, 2 records (uid map "
        + "0:0:1,1:1:1999,65534:2000:2, gid map 0:0:1,1:1:1999,65534:2000:2)\n", run.out());
    assertEquals("", run.err());
    assertTrue(Files.size(out) > 0);
  }

  @Test
  void theNameOptionNamesTheImage() throws IOException {
    Path out = dir.resolve("app-pool.tar");
    CliRun run = CliRun.of("convert-image", image().toString(), out.toString(), "--name", "registry.local/app:hpc");
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().startsWith(out + ": registry.local/app:hpc, 1 layers, "), run.out());
  }

  @Test
  void aMissingInputIsAUsageError() {
    Path missing = dir.resolve("nope.tar");
    CliRun run = CliRun.of("convert-image", missing.toString(), dir.resolve("out.tar").toString());
    assertEquals(2, run.status());
    assertEquals("identity-map: " + missing + ": no such file or directory\n", run.err());
    assertFalse(Files.exists(dir.resolve("out.tar")));
  }

  @Test
  void anInputThatIsNoTarIsOneLineAndExitTwo() throws IOException {
    Path text = Files.writeString(dir.resolve("notes.txt"), "these are notes, not an image\n".repeat(40),
        StandardCharsets.US_ASCII);
    CliRun run = CliRun.of("convert-image", text.toString(), dir.resolve("out.tar").toString());
    assertEquals(2, run.status());
    assertEquals(1, run.err().lines().count(), run.err());
    assertTrue(run.err().startsWith("identity-map: " + text + ": "), run.err());
    assertEquals("", run.out());
    assertFalse(Files.exists(dir.resolve("out.tar")));
  }

  @Test
  void aShortInputIsOneLineAndExitTwo() throws IOException {
    Path text = Files.writeString(dir.resolve("short.txt"), "hello\n");
    CliRun run = CliRun.of("convert-image", text.toString(), dir.resolve("out.tar").toString());
    assertEquals(2, run.status());
    assertEquals(1, run.err().lines().count(), run.err());
  }
}
