package io.usernetes.identity.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usernetes.identity.idmap.IdMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    return file;
  }

  @Test
  void defaultsWithoutAnyFile() {
    Configuration c = new ConfigLoader(Map.of(), Optional.of(dir.resolve("absent.toml")))
        .load(Map.of(), Optional.empty());
    assertEquals(IdMap.defaultMap(), c.uidMap());
    assertEquals(ReportMode.AUTO, c.reportMode());
    assertEquals(Origin.DEFAULT, c.origin(Setting.UID_MAP));
  }

  @Test
  void filesThenEnvironmentThenFlagsInRisingPrecedence() throws IOException {
    Path system = write("etc/config.toml", "uid-map = \"0:0:1,1:1:999\"\ngid-map = \"0:0:1,1:1:998\"\n"
        + "report-mode = \"host\"\nlog-level = \"debug\"\n");
    write("home/.config/usernetes-identity/config.toml", "gid-map = \"0:0:1,1:1:997\"\nlog-level = \"warn\"\n");
    Map<String, String> env = Map.of("HOME", dir.resolve("home").toString(),
        "USERNETES_IDENTITY_LOG_LEVEL", "trace", "USERNETES_IDENTITY_UID_MAP", "0:0:1,1:1:996");
    ConfigLoader loader = new ConfigLoader(env, Optional.of(system));
    Configuration c = loader.load(Map.of(Setting.UID_MAP, "0:0:1,1:1:995"), Optional.empty());
    assertEquals("0:0:1,1:1:995", c.uidMap().spec());
    assertEquals(new Origin(Origin.Kind.FLAG, "--uid-map"), c.origin(Setting.UID_MAP));
    assertEquals("0:0:1,1:1:997", c.gidMap().spec());
    assertTrue(c.origin(Setting.GID_MAP).where().endsWith("home/.config/usernetes-identity/config.toml"));
    assertEquals(ReportMode.HOST, c.reportMode());
    assertEquals(new Origin(Origin.Kind.FILE, system.toString()), c.origin(Setting.REPORT_MODE));
    assertEquals("TRACE", c.logLevel().name());
    assertEquals(new Origin(Origin.Kind.ENVIRONMENT, "USERNETES_IDENTITY_LOG_LEVEL"), c.origin(Setting.LOG_LEVEL));
  }

  @Test
  void xdgConfigHomeWinsOverHome() throws IOException {
    write("xdg/usernetes-identity/config.toml", "report-mode = \"container\"\n");
    Map<String, String> env = Map.of("HOME", "/nonexistent", "XDG_CONFIG_HOME", dir.resolve("xdg").toString());
    assertEquals(ReportMode.CONTAINER,
        new ConfigLoader(env, Optional.empty()).load(Map.of(), Optional.empty()).reportMode());
  }

  @Test
  void anExplicitFileReplacesBothFilesAndMustExist() throws IOException {
    Path system = write("system.toml", "report-mode = \"host\"\n");
    Path explicit = write("mine.toml", "log-level = \"error\"\n");
    ConfigLoader loader = new ConfigLoader(Map.of("USERNETES_IDENTITY_CONFIG", explicit.toString()),
        Optional.of(system));
    assertEquals(List.of(explicit), loader.files(Optional.empty()));
    Configuration c = loader.load(Map.of(), Optional.empty());
    assertEquals(ReportMode.AUTO, c.reportMode());
    assertEquals("ERROR", c.logLevel().name());
    ConfigException e = assertThrows(ConfigException.class,
        () -> loader.load(Map.of(), Optional.of(dir.resolve("missing.toml"))));
    assertEquals("config file " + dir.resolve("missing.toml") + " does not exist", e.getMessage());
  }

  @Test
  void badFilesAndValuesAreReportedWithWhereTheyCameFrom() throws IOException {
    Path unknown = write("unknown.toml", "uid_map = \"0:0:1\"\n");
    assertEquals("config file " + unknown + ": unknown key \"uid_map\" (known: uid-map, gid-map, "
            + "report-mode, log-level, log-file, supervisor-socket)",
        assertThrows(ConfigException.class, () -> load(unknown)).getMessage());
    Path number = write("number.toml", "log-level = 3\n");
    assertTrue(assertThrows(ConfigException.class, () -> load(number)).getMessage()
        .endsWith("log-level must be a quoted string, e.g. log-level = \"info\""));
    Path syntax = write("syntax.toml", "uid-map = \n");
    assertTrue(assertThrows(ConfigException.class, () -> load(syntax)).getMessage()
        .startsWith("config file " + syntax + " (line 1): "));
    Path relative = write("relative.toml", "supervisor-socket = \"agent.sock\"\n");
    assertEquals("supervisor-socket (file " + relative + "): \"agent.sock\" is not an absolute path",
        assertThrows(ConfigException.class, () -> load(relative)).getMessage());
    Path badMap = write("badmap.toml", "uid-map = \"0:0:1,0:5:5\"\n");
    assertEquals("uid-map (file " + badMap + "): segments \"0:0:1\" and \"0:5:5\" overlap in their "
        + "container ranges", assertThrows(ConfigException.class, () -> load(badMap)).getMessage());
    assertEquals("report-mode (environment USERNETES_IDENTITY_REPORT_MODE): \"sideways\" is not one "
            + "of auto, container, host",
        assertThrows(ConfigException.class, () -> new ConfigLoader(
            Map.of("USERNETES_IDENTITY_REPORT_MODE", "sideways"), Optional.empty())
            .load(Map.of(), Optional.empty())).getMessage());
  }

  private Configuration load(Path file) {
    return new ConfigLoader(Map.of(), Optional.empty()).load(Map.of(), Optional.of(file));
  }
}
