package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The installed {@code identity-supervisor} with real runtimes: standalone {@code run}, and a
 * {@code serve} daemon that runc and crun hand listener fds to from OCI bundles whose
 * {@code listenerPath} points at it. The container's process runs as kernel uid/gid 1633; its
 * image declares 60000, whose pool id that is.
 */
class SupervisorIT {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static Path dir;
  private static Path socket;
  private static Path log;
  private static Path rootfs;
  private static Process supervisor;

  @BeforeAll
  static void startSupervisor() throws Exception {
    dir = Files.createTempDirectory(Installed.project().resolve("target"), "supervisor-it-");
    socket = dir.resolve("agent.sock");
    log = dir.resolve("supervisor.log");
    rootfs = OciBundles.rootfs(dir);
    supervisor = new ProcessBuilder("env", "-i", "PATH=/usr/bin:/bin", "USERNETES_IDENTITY_LOG_FILE=" + log,
        Installed.bin("identity-supervisor").toString(), "serve", "--socket", socket.toString())
        .redirectOutput(dir.resolve("serve.out").toFile()).redirectError(dir.resolve("serve.err").toFile()).start();
    for (int i = 0; i < 300 && !Files.exists(socket); i++) {
      assertTrue(supervisor.isAlive(), () -> "supervisor died: " + read(dir.resolve("serve.err")));
      Thread.sleep(50);
    }
    assertTrue(Files.exists(socket), "supervisor socket never appeared");
  }

  @AfterAll
  static void stopSupervisor() throws Exception {
    if (supervisor != null) {
      supervisor.destroy();
      supervisor.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return e.toString();
    }
  }

  record Result(int status, String out, String err) {}

  private static Result exec(List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("timed out: " + command + " " + read(err));
    }
    return new Result(p.exitValue(), read(out), read(err));
  }

  private static String id(String prefix) {
    return prefix + "-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
  }

  private static Path bundle(String name, String metadata, String... args) throws Exception {
    return OciBundles.bundle(dir.resolve(name), rootfs, socket, metadata, args);
  }

  private static List<String> runc(String... args) {
    List<String> c = new ArrayList<>(List.of("runc", "--root", dir.resolve("runc").toString()));
    c.addAll(List.of(args));
    return c;
  }

  @Test
  void standaloneRunReportsTheGivenIds() throws Exception {
    Result r = exec(List.of(Installed.bin("identity-supervisor").toString(), "run", "--uid", "60000",
        "--gid", "60000", "--", "id"));
    assertEquals(0, r.status(), r.err());
    assertEquals("uid=60000 gid=60000 groups=60000", r.out().strip().replaceAll("\\([^)]*\\)", ""));
  }

  @Test
  void standaloneRunPassesTheExitStatusAndRefusesBadArguments() throws Exception {
    Path bin = Installed.bin("identity-supervisor");
    assertEquals(7, exec(List.of(bin.toString(), "run", "--uid", "1", "--", "sh", "-c", "exit 7")).status());
    assertEquals(128 + 9, exec(List.of(bin.toString(), "run", "--", "sh", "-c", "kill -9 $$")).status());
    Result bad = exec(List.of(bin.toString(), "run", "--uid", "sixty", "--", "id"));
    assertEquals(2, bad.status());
    assertEquals("identity-supervisor: --uid \"sixty\" is not an id (a decimal number from 0 to 4294967294)\n",
        bad.err());
  }

  @Test
  void runcRunShowsTheDeclaredIdsOfThePoolId() throws Exception {
    String name = id("runc");
    Path b = bundle(name, null, "id");
    Result r = exec(runc("run", "--bundle", b.toString(), name));
    assertEquals(0, r.status(), r.err());
    assertEquals("uid=60000(site) gid=60000(site) groups=60000(site)", r.out().strip());
  }

  @Test
  void crunRunShowsTheDeclaredIdsOfThePoolId() throws Exception {
    String name = id("crun");
    Path b = bundle(name, null, "id");
    Result r = exec(List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
        "umount /sys/fs/cgroup/unified && exec crun --root " + dir.resolve("crun") + " run --bundle " + b + " " + name));
    assertEquals(0, r.status(), r.err());
    assertEquals("uid=60000(site) gid=60000(site) groups=60000(site)", r.out().strip());
  }

  @Test
  void theShippedOciProfileWorksUnderRunc() throws Exception {
    String name = id("profile");
    Path b = bundle(name, null, "id");
    OciBundles.useProfile(b, Installed.project().resolve("profiles/seccomp/identity-notify.json"), socket);
    Result r = exec(runc("run", "--bundle", b.toString(), name));
    assertEquals(0, r.status(), r.err());
    assertEquals("uid=60000(site) gid=60000(site) groups=60000(site)", r.out().strip());
  }

  @Test
  void listenerMetadataSetsAnExplicitIdentity() throws Exception {
    String name = id("meta");
    Path b = bundle(name, "profile=it\nUID=0\nGID=65534", "id");
    Result r = exec(runc("run", "--bundle", b.toString(), name));
    assertEquals(0, r.status(), r.err());
    assertEquals("uid=0(root) gid=65534(nogroup) groups=65534(nogroup)", r.out().strip());
  }

  @Test
  void runcExecIntoARunningContainerIsServedAndAKilledContainerDisturbsNoOther() throws Exception {
    String busy = id("busy");
    String calm = id("calm");
    Path busyBundle = bundle(busy, null, "sh", "-c", "while true; do id >/dev/null; done");
    Path calmBundle = bundle(calm, null, "sleep", "120");
    try {
      assertEquals(0, exec(runc("run", "-d", "--bundle", busyBundle.toString(), busy)).status());
      Result started = exec(runc("run", "-d", "--bundle", calmBundle.toString(), calm));
      assertEquals(0, started.status(), started.err());
      Result inside = exec(runc("exec", calm, "id"));
      assertEquals(0, inside.status(), inside.err());
      assertEquals("uid=60000(site) gid=60000(site) groups=60000(site)", inside.out().strip());

      Thread.sleep(300); // let the busy container be in the middle of its identity calls
      assertEquals(0, exec(runc("kill", busy, "KILL")).status());
      waitForLog("detach container=" + busy);

      Result after = exec(runc("exec", calm, "sh", "-c", "id -u; id -g"));
      assertEquals("60000\n60000", after.out().strip(), after.err());
      assertTrue(supervisor.isAlive());
    } finally {
      exec(runc("delete", "-f", busy));
      exec(runc("delete", "-f", calm));
    }
  }

  @Test
  void aHundredShortContainersLeaveNoDescriptorsOrThreadsBehind() throws Exception {
    String warm = id("warm");
    assertEquals(0, exec(runc("run", "--bundle", bundle(warm, null, "id").toString(), warm)).status());
    long pid = supervisorJvmPid();
    waitForQuiet(pid);
    int fdsBefore = count(pid, "fd");
    int threadsBefore = count(pid, "task");
    Path shared = bundle(id("many"), null, "id");
    for (int i = 0; i < 100; i++) {
      String name = id("short");
      Result r = exec(runc("run", "--bundle", shared.toString(), name));
      assertEquals(0, r.status(), r.err());
      assertTrue(r.out().startsWith("uid=60000(site)"), r.out());
    }
    waitForQuiet(pid);
    int fdsAfter = count(pid, "fd");
    int threadsAfter = count(pid, "task");
    assertTrue(fdsAfter <= fdsBefore + 1, "fds " + fdsBefore + " -> " + fdsAfter);
    assertTrue(threadsAfter <= threadsBefore + 2, "threads " + threadsBefore + " -> " + threadsAfter);
  }

  /** The JVM under the launcher (which execs, so it is the same process). */
  private static long supervisorJvmPid() {
    return supervisor.pid();
  }

  private static int count(long pid, String what) throws IOException {
    try (var s = Files.list(Path.of("/proc", Long.toString(pid), what))) {
      return (int) s.count();
    }
  }

  /** Waits until every listener session has ended (as many detach as attach lines). */
  private static void waitForQuiet(long pid) throws Exception {
    for (int i = 0; i < 200; i++) {
      String text = read(log);
      long attach = text.lines().filter(l -> l.contains(" attach container=")).count();
      long detach = text.lines().filter(l -> l.contains(" detach container=")).count();
      if (attach == detach) {
        Thread.sleep(200);
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("sessions never ended: " + read(log));
  }

  private static void waitForLog(String text) throws Exception {
    for (int i = 0; i < 200; i++) {
      if (read(log).contains(text)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no \"" + text + "\" in the log: " + read(log));
  }
}
