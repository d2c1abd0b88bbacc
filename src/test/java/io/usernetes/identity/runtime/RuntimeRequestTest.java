package io.usernetes.identity.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RuntimeRequestTest {
  private static byte[] bytes(String fields) {
    return fields.replace('|', '\0').getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void theClientsFieldsAreTheWorkingDirectoryAndTheArguments() {
    assertEquals(Optional.of(new RuntimeRequest(Path.of("/run/bundle"), List.of("--root", "/r", "create", "-b", "b", "c1"))),
        RuntimeRequest.parse(bytes("identity-runtime/1|/run/bundle|--root|/r|create|-b|b|c1|")));
    assertEquals(Optional.of(new RuntimeRequest(Path.of("/"), List.of())), RuntimeRequest.parse(bytes("identity-runtime/1|/|")));
  }

  @Test
  void anythingElseIsRefusedWhole() {
    for (String bad : List.of("", "identity-runtime/1|/x", "identity-runtime/2|/x|run|", "identity-runtime/1|relative|run|",
        "identity-runtime/1|")) {
      assertTrue(RuntimeRequest.parse(bytes(bad)).isEmpty(), bad);
    }
    assertTrue(RuntimeRequest.parse(new byte[RuntimeRequest.MAX_BYTES + 1]).isEmpty(), "too large");
    assertTrue(RuntimeRequest.parse(bytes("identity-runtime/1|/|" + "a|".repeat(4097))).isEmpty(), "too many arguments");
  }
}
