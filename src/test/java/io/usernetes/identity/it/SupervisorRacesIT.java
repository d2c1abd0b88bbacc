package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Races between the supervisor and the threads it answers: thread ids reused while answers are
 * cached per thread, callers killed while blocked, threads exiting, and a fork storm inside a
 * container. Every answer must be the caller's own and the supervisor must stay healthy.
 */
class SupervisorRacesIT extends RuncSupervisorTest {
  /** x86_64 numbers of the notified calls: where a blocked caller sits. */
  private static final Set<String> IDENTITY_CALLS = Set.of("102", "104", "107", "108", "115", "118", "120");
  /** nanosleep and clock_nanosleep: where sleep(1) sits. */
  private static final Set<String> SLEEP_CALLS = Set.of("35", "230");
  /** The machine's pid_max as this JVM (in the host's PID namespace) sees it. */
  private static final Path PID_MAX = Path.of("/proc/sys/kernel/pid_max");

  @BeforeAll
  static void start() throws Exception {
    startAll("supervisor-races-it-");
  }

  /**
   * The supervisor and 800 processes of 4 threads each in a PID namespace whose pid_max is 700
   * (per-namespace since 6.14): thread ids come back again and again while the supervisor holds
   * pidfds and answers per thread id. Each thread has ids of its own (raw setresuid acts on one
   * thread) and checks every answer, pure calls and memory-writing ones; every 7th process is
   * SIGKILLed at a random moment, often while blocked in a notified call.
   */
  @Test
  void reusedThreadIdsNeverGetAnotherThreadsAnswer() throws Exception {
    Path log = dir.resolve("storm.log");
    String map = SupervisorCredentialChangesIT.MAP;
    String pidMax = Files.readString(PID_MAX);
    Sh.Result r;
    try {
      r = Installed.run(List.of("unshare", "--pid", "--fork", "--mount-proc", "sh", "-c",
          "echo 700 > /proc/sys/kernel/pid_max && exec \"$0\" \"$@\"",
          Installed.bin("identity-supervisor").toString(), "run", "--",
          TestPrograms.build("id-storm").toString(), "800", "24", "4", "40", "3000", "100000", "97", "7"),
          List.of("USERNETES_IDENTITY_UID_MAP=" + map, "USERNETES_IDENTITY_GID_MAP=" + map,
              "USERNETES_IDENTITY_LOG_FILE=" + log));
    } finally {
      // before 6.14 the write above set the machine's pid_max, not the namespace's
      if (!Files.readString(PID_MAX).equals(pidMax)) {
        Files.writeString(PID_MAX, pidMax);
      }
    }
    assertEquals(0, r.status(), r.err() + r.out());
    Matcher m = Pattern.compile("started=800 killed=(\\d+) failed=0").matcher(r.out());
    assertTrue(m.find(), r.out());
    assertTrue(Integer.parseInt(m.group(1)) > 0, r.out());
    String text = Files.readString(log, StandardCharsets.UTF_8);
    assertTrue(text.lines().noneMatch(l -> l.contains("[ERROR]") || l.contains("[WARN]")), text);
  }

  @Test
  void aForkStormInAContainerGetsEveryAnswerRight() throws Exception {
    String name = Runc.name("storm");
    Path bundle = OciBundles.bundle(dir.resolve(name), rootfs, supervisor.socket, null, "sh", "-c",
        "i=0; while [ $i -lt 400 ]; do id -u & i=$((i+1)); done; wait");
    Sh.Result r = runc.run(bundle, name);
    assertEquals(0, r.status(), r.err());
    assertEquals(Collections.nCopies(400, "60000"), r.out().lines().toList());
    assertHealthy();
  }

  /**
   * Twenty callers blocked in getuid while the supervisor is stopped (SIGSTOP); ten of them are
   * SIGKILLed; after SIGCONT the other ten get the right answer and the withdrawn ten disturb
   * nothing.
   */
  @Test
  void callersKilledWhileBlockedDisturbNoOther() throws Exception {
    String name = Runc.name("blocked");
    Path bundle = OciBundles.bundle(dir.resolve(name), rootfs, supervisor.socket, null, "sh", "-c",
        "id -u; sleep 3; i=0; while [ $i -lt 20 ]; do id -u & i=$((i+1)); done; wait; echo done");
    Path out = dir.resolve(name + ".out");
    try {
      Sh.ok(List.of("sh", "-c", String.join(" ", runc.command("run", "-d", "--bundle", bundle.toString(), name))
          + " >" + out + " 2>&1"));
      waitFor(out, "60000\n"); // the first answer: the shell is past its start-up calls
      long init = containerPid(name);
      // busybox's sleep asks getuid as it starts: stop the supervisor only once it sleeps
      Await.until("the container's sleep sleeping", Duration.ofSeconds(10),
          () -> !childrenIn(init, SLEEP_CALLS).isEmpty());
      supervisor.signal("STOP");
      Await.until("20 callers blocked in a notified call", Duration.ofSeconds(15),
          () -> childrenIn(init, IDENTITY_CALLS).size() == 20);
      List<Long> blocked = childrenIn(init, IDENTITY_CALLS);
      assertEquals(20, blocked.size(), "callers blocked in a notified call");
      List<Long> killed = new ArrayList<>();
      for (int i = 0; i < 20; i += 2) {
        Sh.exec(List.of("kill", "-KILL", Long.toString(blocked.get(i))));
        killed.add(blocked.get(i));
      }
      // a caller dead (a zombie, or reaped) has withdrawn its notification: the supervisor wakes to ten gone
      Await.until("the ten killed callers dead", Duration.ofSeconds(15),
          () -> killed.stream().noneMatch(OverlayMount::alive));
    } finally {
      supervisor.signal("CONT");
    }
    waitFor(out, "done\n");
    assertEquals(Collections.nCopies(11, "60000"),
        Files.readString(out).lines().filter(l -> !l.equals("done")).toList(), Files.readString(out));
    runc.delete(name);
    assertHealthy();
  }

  private static long containerPid(String name) throws Exception {
    Matcher m = Pattern.compile("\"pid\": (\\d+)").matcher(runc.exec("state", name).out());
    assertTrue(m.find());
    return Long.parseLong(m.group(1));
  }

  /** Children of {@code pid} sleeping in one of {@code calls}. */
  private static List<Long> childrenIn(long pid, Set<String> calls) throws Exception {
    List<Long> out = new ArrayList<>();
    String children = Files.readString(Path.of("/proc", Long.toString(pid), "task", Long.toString(pid), "children"));
    for (String c : children.strip().split("\\s+")) {
      if (c.isEmpty()) {
        continue;
      }
      try {
        String syscall = Files.readString(Path.of("/proc", c, "syscall")).split(" ")[0];
        if (calls.contains(syscall)) {
          out.add(Long.parseLong(c));
        }
      } catch (java.io.IOException gone) {
        // exited meanwhile
      }
    }
    return out;
  }

  private static void waitFor(Path file, String text) throws Exception {
    Await.until("\"" + text.strip() + "\" in " + file, Duration.ofSeconds(10),
        () -> Files.exists(file) && Files.readString(file).contains(text));
  }

  private static void assertHealthy() throws Exception {
    String name = Runc.name("healthy");
    Sh.Result r = runc.run(OciBundles.bundle(dir.resolve(name), rootfs, supervisor.socket, null, "id"), name);
    assertEquals(0, r.status(), r.err());
    assertEquals("uid=60000(site) gid=60000(site) groups=60000(site)", r.out().strip());
    assertTrue(supervisor.isAlive());
    assertTrue(supervisor.logLines("[ERROR]").isEmpty(), supervisor.logText());
  }
}
