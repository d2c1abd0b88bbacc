package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A thread whose ids change after it first asked for them gets fresh answers: the supervisor
 * caches answers per thread (a pidfd's credentials) and user-namespace maps per namespace, and
 * both must notice setresuid, unshare(CLONE_NEWUSER), and a uid_map written after the first
 * question. {@code src/test/native/credential-changes.c} asks twice at each stage (the second
 * answer is the cached one) through the fast path (getuid, geteuid) and the /proc path
 * (getresuid). The map pins container ids 100000-100099 to kernel ids 3000-3099 so that answers
 * differ from kernel ids.
 *
 * <p>Three filters: {@code identity-supervisor run}'s and the shipped profile's send unshare and
 * setns too and say so ({@code NAMESPACE_CALLS=notified}: the supervisor trusts a resolved
 * thread's namespace until it makes one of them); a filter of the identity calls alone makes the
 * supervisor read the namespace on every call.
 */
class SupervisorCredentialChangesIT {
  static final String MAP = "0:0:1,1:1:1999,65534:2000:2,100000:3000:100";
  private static final String EXPECTED = """
      root 0 0 0 0 0
      setresuid 100005 100005 100005 100005 100005
      unshare 65534 65534 65534 65534 65534
      mapped 0 0 0 0 0
      nested 7 7 7 7 7
      """;

  private static Path dir;
  private static Path rootfs;
  private static Runc runc;
  private static RunningSupervisor supervisor;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory(Installed.project().resolve("target"), "credential-changes-it-");
    rootfs = OciBundles.rootfs(dir);
    Files.copy(TestPrograms.build("credential-changes"), rootfs.resolve("bin/credential-changes"));
    runc = new Runc(dir.resolve("runc"));
    supervisor = RunningSupervisor.start(dir, "--uid-map", MAP, "--gid-map", MAP);
  }

  @AfterAll
  static void stop() throws Exception {
    if (supervisor != null) {
      supervisor.close();
    }
  }

  @Test
  void underIdentitySupervisorRun() throws Exception {
    Sh.Result r = Installed.run(List.of(Installed.bin("identity-supervisor").toString(), "run", "--",
        TestPrograms.build("credential-changes").toString(), "3005"),
        List.of("USERNETES_IDENTITY_UID_MAP=" + MAP, "USERNETES_IDENTITY_GID_MAP=" + MAP));
    assertEquals(0, r.status(), r.err());
    assertEquals(EXPECTED, r.out(), r.err());
  }

  @Test
  void underRuncWithTheShippedProfile() throws Exception {
    Path bundle = bundle("profile");
    OciBundles.useProfile(bundle, Installed.project().resolve("profiles/seccomp/identity-notify.json"),
        supervisor.socket);
    assertEquals(EXPECTED, run(bundle, "profile", "namespace-calls=notified"));
  }

  @Test
  void underRuncWithAFilterOfTheIdentityCallsAlone() throws Exception {
    assertEquals(EXPECTED, run(bundle("plain"), "plain", "namespace-calls=checked per call"));
  }

  /** A bundle running credential-changes as root with CAP_SETUID (it calls setresuid). */
  private static Path bundle(String name) throws Exception {
    Path bundle = OciBundles.bundle(dir.resolve(name), rootfs, supervisor.socket, null,
        "/bin/credential-changes", "3005");
    ObjectMapper json = new ObjectMapper();
    ObjectNode config = (ObjectNode) json.readTree(bundle.resolve("config.json").toFile());
    ObjectNode process = (ObjectNode) config.get("process");
    ObjectNode user = process.putObject("user");
    user.put("uid", 0).put("gid", 0);
    ObjectNode caps = process.putObject("capabilities");
    for (String set : List.of("bounding", "effective", "permitted")) {
      caps.putArray(set).add("CAP_SETUID").add("CAP_SETGID");
    }
    json.writerWithDefaultPrettyPrinter().writeValue(bundle.resolve("config.json").toFile(), config);
    return bundle;
  }

  /** Runs the bundle; its attach line in the supervisor's log must say {@code mode}. */
  private static String run(Path bundle, String prefix, String mode) throws Exception {
    String name = Runc.name(prefix);
    Sh.Result r = runc.run(bundle, name);
    assertEquals(0, r.status(), r.err() + r.out());
    assertTrue(supervisor.logText().lines().anyMatch(l -> l.contains("attach container=" + name + " ")
        && l.contains(mode)), supervisor.logText());
    return r.out();
  }
}
