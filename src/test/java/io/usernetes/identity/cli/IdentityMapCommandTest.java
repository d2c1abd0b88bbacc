package io.usernetes.identity.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityMapCommandTest {
  @TempDir Path dir;

  private Path passwd() throws IOException {
    return Files.writeString(dir.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\n"
        + "alice:x:60000:60000::/home/alice:/bin/sh\nbob:x:1428:1428::/home/bob:/bin/sh\n"
        + "nobody:x:65534:65534::/:/bin/false\n");
  }

  @Test
  void hostPrintsThePlacementOfEachId() {
    CliRun run = CliRun.of("host", "60000", "0", "65535");
    assertEquals(0, run.status(), run.err());
    assertEquals("60000 -> 1633 hashed into pool 1-1999\n0 -> 0 pinned (segment 0:0:1)\n"
        + "65535 -> 2001 pinned (segment 65534:2000:2)\n", run.out());
  }

  @Test
  void hostJsonAndGidMap() throws IOException {
    CliRun run = CliRun.of("--gid-map", "0:0:1,1:100:50", "host", "--gid", "--json", "7");
    JsonNode doc = new ObjectMapper().readTree(run.out());
    assertEquals("gid", doc.get("map").asText());
    assertEquals(100 + io.usernetes.identity.idmap.Fnv1a.hashDecimal(7) % 50,
        doc.get("ids").get(0).get("host").asLong());
    assertEquals("hashed", doc.get("ids").get(0).get("placement").asText());
  }

  @Test
  void badInputIsOneLineAndExitTwo() {
    CliRun id = CliRun.of("host", "notanumber");
    assertEquals(2, id.status());
    assertEquals("identity-map: container id \"notanumber\" is not an id (a decimal number from 0 "
        + "to 4294967294)\n", id.err());
    CliRun spec = CliRun.of("--uid-map", "0:0:1,0:1:5", "host", "1");
    assertEquals(2, spec.status());
    assertEquals("identity-map: uid-map (flag --uid-map): segments \"0:0:1\" and \"0:1:5\" overlap "
        + "in their container ranges\n", spec.err());
    CliRun missing = CliRun.of("collisions", "--passwd", dir.resolve("nope").toString());
    assertEquals(2, missing.status());
    assertEquals("identity-map: " + dir.resolve("nope") + ": no such file or directory\n", missing.err());
    CliRun unknownOption = CliRun.of("host", "--frobnicate", "1");
    assertEquals(2, unknownOption.status());
    assertEquals(1, unknownOption.err().lines().count());
  }

  @Test
  void collisionsInAPasswdFileAreReported() throws IOException {
    CliRun run = CliRun.of("collisions", "--passwd", passwd().toString());
    assertEquals(1, run.status());
    assertTrue(run.out().contains("host 1633: 1428 (bob), 60000 (alice)"), run.out());
    CliRun clean = CliRun.of("collisions", "--ids", "0,60000,65534");
    assertEquals(0, clean.status());
    assertTrue(clean.out().contains("no collisions"));
  }

  @Test
  void collisionsOverAnIdRangeCountPairs() throws IOException {
    CliRun run = CliRun.of("collisions", "--ids", "1428,60000,500", "--json");
    assertEquals(1, run.status());
    JsonNode doc = new ObjectMapper().readTree(run.out());
    assertEquals(1, doc.get(0).get("pairs").asLong());
    assertEquals(1633, doc.get(0).get("collisions").get(0).get("host").asLong());
  }

  @Test
  void usernsPrintsTheMapsIdentityRuntimeGivesAContainer() throws IOException {
    Files.writeString(dir.resolve("group"), "root:x:0:\nsite:x:60000:\n");
    CliRun run = CliRun.of("userns", "--passwd", passwd().toString(), "--group", dir.resolve("group").toString(),
        "--uid", "60000", "--gid", "60000,5");
    assertEquals(0, run.status(), run.err());
    assertEquals("uid_map:\n0 0 1\n1428 1633 1\n60000 1634 1\n65534 2000 1\n"
        + "gid_map:\n0 0 1\n5 1237 1\n60000 1633 1\n", run.out());
    assertEquals("uid 60000 (alice) shares pool id 1633 with 1428 (bob), which keeps it; in this container 60000"
        + " is on pool id 1634\n", run.err());
    CliRun only = CliRun.of("userns", "--passwd", passwd().toString(), "--only", "uid");
    assertEquals("0 0 1\n1428 1633 1\n60000 1634 1\n65534 2000 1\n", only.out());
    assertEquals(2, CliRun.of("userns", "--only", "both").status());
    // an undeclared process user takes its hash: bob is left out, and the exit status says so
    CliRun taken = CliRun.of("userns", "--passwd", dir.resolve("group").toString().replace("group", "bob"));
    assertEquals(2, taken.status(), "an unreadable file is bad input");
    Files.writeString(dir.resolve("bob"), "bob:x:1428:1428::/:/bin/sh\n");
    CliRun displaced = CliRun.of("userns", "--passwd", dir.resolve("bob").toString(), "--uid", "60000");
    assertEquals(1, displaced.status());
    assertEquals("0 0 1\n60000 1633 1\n", displaced.out().replace("uid_map:\n", "").replace("gid_map:\n0 0 1\n", ""));
    assertTrue(displaced.err().startsWith("uid left out: 1428: 1428 (bob) shares host id 1633 with 60000"), displaced.err());
  }

  @Test
  void containerResolvesThroughThePasswdFileAndFlagsAmbiguity() throws IOException {
    CliRun ambiguous = CliRun.of("container", "1633", "--passwd", passwd().toString());
    assertEquals(1, ambiguous.status());
    assertEquals("uid: host 1633 -> AMBIGUOUS: 1428 (bob), 60000 (alice) all map here; in a container 1428 keeps it,"
        + " 60000 moves to 1634\n", ambiguous.out());
    assertEquals("uid: host 1634 -> 1634 (no declared id maps here; in a container 60000 moves here)\n",
        CliRun.of("container", "1634", "--passwd", passwd().toString()).out());
    CliRun pinned = CliRun.of("container", "2000", "--passwd", passwd().toString());
    assertEquals(0, pinned.status());
    assertEquals("uid: host 2000 -> 65534 (pinned)\n", pinned.out());
    Files.writeString(dir.resolve("group"), "site:x:60000:\n");
    CliRun group = CliRun.of("container", "1633", "--group", dir.resolve("group").toString());
    assertEquals("gid: host 1633 -> 60000 (declared by site)\n", group.out());
    assertEquals(2, CliRun.of("container", "1633").status());
  }

  @Test
  void configShowsWhereEachValueCameFrom() throws IOException {
    Path file = Files.writeString(dir.resolve("c.toml"), "gid-map = \"0:0:1,1:1:500\"\n");
    CliRun run = CliRun.of("--config", file.toString(), "--uid-map", "0:0:1,1:1:100", "config");
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().contains("config files read: [" + file + "]"), run.out());
    assertTrue(run.out().matches("(?s).*uid-map\\s+= \"0:0:1,1:1:100\"\\s+\\(flag --uid-map\\).*"), run.out());
    assertTrue(run.out().matches("(?s).*gid-map\\s+= \"0:0:1,1:1:500\"\\s+\\(file " + file + "\\).*"), run.out());
  }

  @Test
  void everyCommandHasHelp() {
    for (String command : new String[] {"host", "container", "collisions", "userns", "stat", "tree",
        "convert-image", "config"}) {
      CliRun run = CliRun.of(command, "--help");
      assertEquals(0, run.status(), command);
      // a one-line summary (what the command list shows), then the usage
      String[] lines = run.out().split("\n", 3);
      assertTrue(lines[0].endsWith(".") && lines[1].startsWith("Usage: identity-map " + command), run.out());
    }
  }
}
