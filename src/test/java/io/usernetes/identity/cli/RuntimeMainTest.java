package io.usernetes.identity.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.usernetes.identity.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeMainTest {
  @TempDir Path dir;

  @Test
  void aBundleItCannotReadIsAnErrorInContainerdsJsonLogToo() throws Exception {
    Files.writeString(dir.resolve("config.json"), "{not json");
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    int status = RuntimeMain.run(List.of("--root", "/run/runc", "--log", "log.json", "--log-format", "json",
        "create", "--bundle", dir.toString(), "c1"), dir, new PrintStream(stderr, true, StandardCharsets.UTF_8),
        () -> ConfigLoader.forThisProcess().load(Map.of(), Optional.empty()));
    assertEquals(1, status);
    String said = stderr.toString(StandardCharsets.UTF_8);
    assertTrue(said.startsWith("identity-runtime: ") && said.contains("config.json: not JSON"), said);
    List<String> lines = Files.readAllLines(dir.resolve("log.json"));
    assertEquals(1, lines.size());
    JsonNode line = new ObjectMapper().readTree(lines.get(0));
    assertEquals("error", line.get("level").asText());
    assertEquals(said.strip(), line.get("msg").asText());
  }
}
