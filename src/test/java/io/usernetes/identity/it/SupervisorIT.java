package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The installed {@code identity-supervisor} with real runtimes: standalone {@code run}, and a
 * {@code serve} daemon that runc and crun hand listener fds to from OCI bundles whose
 * {@code listenerPath} points at it. The container's process runs as kernel uid/gid 1633; its
 * image declares 60000, whose pool id that is.
 */
class SupervisorIT extends RuncSupervisorTest {

  @BeforeAll
  static void startSupervisor() throws Exception {
    startAll("supervisor-it-");
  }

  private static Path bundle(String name, String metadata, String... args) throws Exception {
    return OciBundles.bundle(dir.resolve(name), rootfs, supervisor.socket, metadata, args);
  }

  @Test
  void standaloneRunReportsTheGivenIds() throws Exception {
    Sh.Result r = Sh.exec(List.of(Installed.bin("identity-supervisor").toString(), "run", "--uid", "60000",
        "--gid", "60000", "--", "id"));
    assertEquals(0, r.status(), r.err());
    assertEquals("uid=60000 gid=60000 groups=60000", r.out().strip().replaceAll("\\([^)]*\\)", ""));
  }

  @Test
  void standaloneRunPassesTheExitStatusAndRefusesBadArguments() throws Exception {
    String bin = Installed.bin("identity-supervisor").toString();
    assertEquals(7, Sh.exec(List.of(bin, "run", "--uid", "1", "--", "sh", "-c", "exit 7")).status());
    assertEquals(128 + 9, Sh.exec(List.of(bin, "run", "--", "sh", "-c", "kill -9 $$")).status());
    Sh.Result bad = Sh.exec(List.of(bin, "run", "--uid", "sixty", "--", "id"));
    assertEquals(2, bad.status());
    assertEquals("identity-supervisor: --uid \"sixty\" is not an id (a decimal number from 0 to 4294967294)\n",
        bad.err());
  }

  @Test
  void runcRunShowsTheDeclaredIdsOfThePoolId() throws Exception {
    String name = Runc.name("runc");
    Sh.Result r = runc.run(bundle(name, null, "id"), name);
    assertEquals(0, r.status(), r.err());
    assertEquals("uid=60000(site) gid=60000(site) groups=60000(site)", r.out().strip());
  }

  /**
   * A container in a sparse user namespace of its own (identity-runtime's: 60000 is 1633 there):
   * the supervisor reads the caller's ids through that namespace's maps, holding the namespace
   * open by its {@code /proc/TID/ns/user} link, which must be followed — opened as a link it failed
   * with ELOOP every time, and each call was left to the kernel with a "cannot answer" line.
   */
  @Test
  void aContainerInAUserNamespaceOfItsOwnIsAnsweredThroughItsMaps() throws Exception {
    String name = Runc.name("userns");
    Path b = bundle(name, null, "id");
    OciBundles.withUserNamespace(b, 0, 0, 1600, 60000, 1633, 1);
    OciBundles.withUser(b, 60000, 60000); // 1633 outside
    Sh.Result r = runc.run(b, name);
    assertEquals(0, r.status(), r.err());
    assertEquals("uid=60000(site) gid=60000(site) groups=60000(site)", r.out().strip());
    assertTrue(!logged(name, "cannot answer"), Files.readString(supervisor.log));
  }

  /**
   * A container whose user namespace cannot hold the id its image declares (60000 is not in its
   * map, 1633 is itself): telling it 60000 would contradict what stat shows it, so it is told its
   * kernel ids, and the log says why once.
   */
  @Test
  void aContainerWhoseNamespaceCannotHoldItsDeclaredIdIsToldItsKernelId() throws Exception {
    String name = Runc.name("narrow");
    Path b = bundle(name, null, "id");
    OciBundles.withUserNamespace(b, 0, 0, 1600, 1633, 1633, 1);
    Sh.Result r = runc.run(b, name);
    assertEquals(0, r.status(), r.err());
    assertEquals("uid=1633 gid=1633 groups=1633", r.out().strip());
    assertTrue(logged(name, "cannot hold"), Files.readString(supervisor.log));
  }

  /** Whether, once the supervisor is quiet, a line of its log about container {@code name} says {@code text}. */
  private static boolean logged(String name, String text) throws Exception {
    supervisor.waitForQuiet();
    return Files.readAllLines(supervisor.log).stream().anyMatch(l -> l.contains(name) && l.contains(text));
  }

  @Test
  void crunRunShowsTheDeclaredIdsOfThePoolId() throws Exception {
    String name = Runc.name("crun");
    Path b = bundle(name, null, "id");
    Sh.Result r = Sh.exec(List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
        "umount /sys/fs/cgroup/unified && exec crun --root " + dir.resolve("crun") + " run --bundle " + b + " " + name));
    assertEquals(0, r.status(), r.err());
    assertEquals("uid=60000(site) gid=60000(site) groups=60000(site)", r.out().strip());
  }

  @Test
  void theShippedOciProfileWorksUnderRunc() throws Exception {
    String name = Runc.name("profile");
    Path b = bundle(name, null, "id");
    OciBundles.useProfile(b, Installed.project().resolve("profiles/seccomp/identity-notify.json"), supervisor.socket);
    Sh.Result r = runc.run(b, name);
    assertEquals(0, r.status(), r.err());
    assertEquals("uid=60000(site) gid=60000(site) groups=60000(site)", r.out().strip());
  }

  @Test
  void listenerMetadataSetsAnExplicitIdentity() throws Exception {
    String name = Runc.name("meta");
    Sh.Result r = runc.run(bundle(name, "profile=it\nUID=0\nGID=65534", "id"), name);
    assertEquals(0, r.status(), r.err());
    assertEquals("uid=0(root) gid=65534(nogroup) groups=65534(nogroup)", r.out().strip());
  }

  /**
   * The image's account files are read again once they change: a container whose /etc/passwd
   * now declares 1428 for its site user (1428 and 60000 share the pool id 1633) is told 1428 by
   * the next process. The container waits on its stdin for the test to have rewritten the file.
   */
  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aRewrittenPasswdIsReadAgain() throws Exception {
    String name = Runc.name("passwd");
    Path image = OciBundles.rootfs(dir.resolve(name + "-image"));
    Path b = OciBundles.bundle(dir.resolve(name), image, supervisor.socket, null, "sh", "-c",
        "id -u; read go; id -u; id");
    Process p = new ProcessBuilder(runc.command("run", "--bundle", b.toString(), name))
        .redirectError(dir.resolve(name + ".err").toFile()).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Writer in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
      assertEquals("60000", out.readLine());
      Files.writeString(image.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n"
          + "site:x:1428:60000:site user:/tmp:/bin/sh\n");
      in.write("go\n");
      in.flush();
      assertEquals("1428", out.readLine(), "a new process (getuid)");
      assertEquals("uid=1428(site) gid=60000(site) groups=60000(site)", out.readLine(), "getgroups too");
      assertEquals(0, p.waitFor(), Files.readString(dir.resolve(name + ".err")));
    } finally {
      p.destroyForcibly();
      runc.delete(name);
    }
  }

  @Test
  void runcExecIntoARunningContainerIsServedAndAKilledContainerDisturbsNoOther() throws Exception {
    String busy = Runc.name("busy");
    String calm = Runc.name("calm");
    // the busy container prints its first answer, then goes on asking
    Path busyBundle = bundle(busy, null, "sh", "-c", "id -u; while true; do id >/dev/null; done");
    Path busyOut = dir.resolve(busy + ".out");
    Path calmBundle = bundle(calm, null, "sleep", "120");
    try {
      Sh.ok(List.of("sh", "-c", String.join(" ", runc.command("run", "-d", "--bundle", busyBundle.toString(), busy))
          + " >" + busyOut + " 2>&1"));
      Sh.Result started = runc.exec("run", "-d", "--bundle", calmBundle.toString(), calm);
      assertEquals(0, started.status(), started.err());
      Sh.Result inside = runc.exec("exec", calm, "id");
      assertEquals(0, inside.status(), inside.err());
      assertEquals("uid=60000(site) gid=60000(site) groups=60000(site)", inside.out().strip());

      // in the middle of its identity calls: answered once, and asking on
      Await.until("the busy container's first answer", Duration.ofSeconds(15),
          () -> Files.readString(busyOut).equals("60000\n"));
      assertEquals(0, runc.exec("kill", busy, "KILL").status());
      supervisor.waitForLog("detach container=" + busy);

      Sh.Result after = runc.exec("exec", calm, "sh", "-c", "id -u; id -g");
      assertEquals("60000\n60000", after.out().strip(), after.err());
      assertTrue(supervisor.isAlive());
    } finally {
      runc.delete(busy);
      runc.delete(calm);
    }
  }

  @Test
  void aHundredShortContainersLeaveNoDescriptorsOrThreadsBehind() throws Exception {
    String warm = Runc.name("warm");
    assertEquals(0, runc.run(bundle(warm, null, "id"), warm).status());
    supervisor.waitForQuiet();
    int fdsBefore = supervisor.count("fd");
    int threadsBefore = supervisor.count("task");
    Path shared = bundle(Runc.name("many"), null, "id");
    for (int i = 0; i < 100; i++) {
      Sh.Result r = runc.run(shared, Runc.name("short"));
      assertEquals(0, r.status(), r.err());
      assertTrue(r.out().startsWith("uid=60000(site)"), r.out());
    }
    supervisor.waitForQuiet();
    int fdsAfter = supervisor.count("fd");
    int threadsAfter = supervisor.count("task");
    assertTrue(fdsAfter <= fdsBefore + 1, "fds " + fdsBefore + " -> " + fdsAfter);
    assertTrue(threadsAfter <= threadsBefore + 2, "threads " + threadsBefore + " -> " + threadsAfter);
  }
}
