package io.usernetes.identity.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MountRequestTest {
  private static byte[] bytes(String fields) {
    return fields.replace('|', '\0').getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void fieldsAreTheDirectoryTheEnvironmentAndTheArguments() {
    assertEquals(Optional.of(new MountRequest("/var/lib/containers", Map.of("HOME", "/root", "X", "a=b"),
            List.of("-o", "lowerdir=/l", "/m"))),
        MountRequest.parse(bytes("usernetes-identity/1|/var/lib/containers|3|HOME=/root|X=a=b|X=second|-o|lowerdir=/l|/m|")));
    assertEquals(Optional.of(new MountRequest("/", Map.of(), List.of())), MountRequest.parse(bytes("usernetes-identity/1|/|0|")));
  }

  @Test
  void anythingElseIsNoRequest() {
    for (String bad : List.of("", "usernetes-identity/1|/|0", "usernetes-identity/2|/|0|", "usernetes-identity/1|rel|0|",
        "usernetes-identity/1|/|x|", "usernetes-identity/1|/|-1|", "usernetes-identity/1|/|2|A=1|",
        "usernetes-identity/1|/|1|no-equals|", "usernetes-identity/1|/|1|=value|", "usernetes-identity/1|/|123456|")) {
      assertTrue(MountRequest.parse(bytes(bad)).isEmpty(), bad);
    }
    assertTrue(MountRequest.parse(new byte[MountRequest.MAX_BYTES + 1]).isEmpty(), "too large");
    assertTrue(MountRequest.parse(bytes("usernetes-identity/1|/|0|" + "a|".repeat(20_000))).isEmpty(), "too many fields");
  }
}
