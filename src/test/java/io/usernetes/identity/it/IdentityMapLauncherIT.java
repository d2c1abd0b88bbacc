package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.usernetes.identity.ownership.OddNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The installed {@code identity-map} launcher, run the way scripts and people run it. */
class IdentityMapLauncherIT {
  @TempDir Path dir;

  private static Sh.Result identityMap(List<String> env, String... args)
      throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(Installed.bin("identity-map").toString()));
    command.addAll(List.of(args));
    return Installed.run(command, env);
  }

  @Test
  void mapsAnIdWithAnEmptyEnvironmentFromAnyDirectory() throws Exception {
    Sh.Result r = identityMap(List.of(), "host", "60000");
    assertEquals(0, r.status(), r.err());
    assertEquals("60000 -> 1633 hashed into pool 1-1999\n", r.out());
    assertEquals("", r.err());
  }

  @Test
  void reportsCollisionsInAPasswdFile() throws Exception {
    Path passwd = Files.writeString(dir.resolve("passwd"),
        "root:x:0:0::/:/bin/sh\nsite:x:60000:60000::/:/bin/sh\nother:x:1428:1428::/:/bin/sh\n");
    Sh.Result r = identityMap(List.of(), "collisions", "--passwd", passwd.toString());
    assertEquals(1, r.status(), r.err());
    assertTrue(r.out().contains("host 1633: 1428 (other), 60000 (site)"), r.out());
  }

  @Test
  void badInputIsAOneLineErrorWithANonZeroExit() throws Exception {
    Sh.Result r = identityMap(List.of(), "host", "notanumber");
    assertEquals(2, r.status());
    assertEquals("identity-map: container id \"notanumber\" is not an id (a decimal number from 0 to "
        + "4294967294)\n", r.err());
  }

  @Test
  void theEnvironmentOverridesAConfigFile() throws Exception {
    Path config = Files.writeString(dir.resolve("config.toml"), "uid-map = \"0:0:1,1:1:500\"\n");
    Sh.Result fromFile = identityMap(List.of("USERNETES_IDENTITY_CONFIG=" + config), "host", "60000");
    long expected = 1 + io.usernetes.identity.idmap.Fnv1a.hashDecimal(60000) % 500;
    assertEquals("60000 -> " + expected + " hashed into pool 1-500\n", fromFile.out(), fromFile.err());
    Sh.Result fromEnv = identityMap(List.of("USERNETES_IDENTITY_CONFIG=" + config,
        "USERNETES_IDENTITY_UID_MAP=0:0:1,1:1:1999"), "host", "60000");
    assertEquals("60000 -> 1633 hashed into pool 1-1999\n", fromEnv.out(), fromEnv.err());
  }

  /**
   * A symlink named f\xffo (not UTF-8) whose entry record says 60000: tree finds it under its true
   * id, and stat names it under a UTF-8 locale (the name's bytes come from /proc/self/cmdline).
   */
  @Test
  void treeAndStatReadASymlinkWhoseNameIsNotUtf8() throws Exception {
    Path layer = Files.createDirectory(dir.resolve("layer"));
    OddNames.symlinkWithRecord(layer, OddNames.NOT_UTF8, 1633, "60000:60000");

    Sh.Result tree = identityMap(List.of(), "tree", "--json", layer.toString());
    assertEquals(0, tree.status(), tree.err());
    JsonNode census = new ObjectMapper().readTree(tree.out());
    assertEquals(1, census.get("filesPerUid").get("60000").asLong(), tree.out());
    assertEquals(1, census.get("filesPerGid").get("60000").asLong(), tree.out());

    // argv cannot carry 0xff from here (this JVM encodes it in UTF-8): the shell makes the name,
    // and the JDK, under a UTF-8 locale, decodes that byte to U+FFFD before main runs
    Sh.Result stat = Installed.run(List.of("sh", "-c", "exec \"$0\" stat \"$1/$(printf 'f\\377o')\"",
        Installed.bin("identity-map").toString(), layer.toString()), List.of("LC_ALL=C.UTF-8"));
    assertEquals(0, stat.status(), stat.err());
    assertEquals("\"" + layer + "/f\\xffo\": symlink\n"
        + "  uid host 1633, record 60000 -> container 60000 (ok)\n"
        + "  gid host 1633, record 60000 -> container 60000 (ok)\n", stat.out());
  }

  @Test
  void versionAndHelpWork() throws Exception {
    Sh.Result version = identityMap(List.of(), "--version");
    assertEquals(0, version.status());
    assertTrue(version.out().startsWith("usernetes-identity 0."), version.out());
    Sh.Result help = identityMap(List.of(), "--help");
    assertTrue(help.out().contains("collisions") && help.out().contains("Exit status:"), help.out());
  }
}
