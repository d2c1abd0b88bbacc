package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile peers on the {@code serve} socket (forged with python3, {@link ForgedPeer}): each is
 * refused with exactly one log line naming it, closes every descriptor it sent, delays no other
 * peer, and the supervisor goes on serving a real runc container. The socket is made mode 0666
 * here so that a user the supervisor does not allow can reach it at all.
 */
class SupervisorPeersIT extends RuncSupervisorTest {
  private static final int HANDOFF_TIMEOUT = 5;
  /** Refused modes: every one ends in one "refused …" (or "sent nothing") line. */
  private static final List<String> REFUSED = List.of("garbage", "truncated", "oversized", "nested",
      "silent-close", "duplicate", "not-listener", "too-many-fds");

  @BeforeAll
  static void start() throws Exception {
    startAll("supervisor-peers-it-", "--handoff-timeout", Integer.toString(HANDOFF_TIMEOUT));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(supervisor.socket, PosixFilePermissions.fromString("rw-rw-rw-"));
  }

  @Test
  void hostilePeersAreRefusedWithOneLineEachAndLeakNoDescriptor() throws Exception {
    hostileRound(); // the first round warms up whatever the JVM opens once
    supervisor.waitForQuiet();
    int fdsBefore = supervisor.count("fd");
    int threadsBefore = supervisor.count("task");
    hostileRound();
    supervisor.waitForQuiet();
    assertEquals(fdsBefore, supervisor.count("fd"), "descriptors after a round of hostile peers");
    assertTrue(supervisor.count("task") <= threadsBefore, "threads " + threadsBefore + " -> "
        + supervisor.count("task"));
    assertServesAContainer();
  }

  private static void hostileRound() throws Exception {
    for (String mode : REFUSED) {
      ForgedPeer.Outcome o = ForgedPeer.run(ForgedPeer.command(supervisor.socket, mode));
      String line = onlyLineAbout(o.pid(), mode);
      assertTrue(line.contains("refused a state message from pid " + o.pid() + " uid 0: ")
          || line.contains("pid " + o.pid() + " connected and sent nothing"), mode + ": " + line);
      assertTrue(!o.rest().contains("reply:ok"), mode + " was acknowledged: " + o.rest());
    }
    // a peer whose uid is not allowed (the default allows 0 and the supervisor's own uid)
    ForgedPeer.Outcome stranger = ForgedPeer.run(ForgedPeer.commandAs(1000, supervisor.socket, "valid"));
    assertEquals("refused a connection from pid " + stranger.pid() + " uid 1000: not in --allow-uid [0]",
        message(onlyLineAbout(stranger.pid(), "uid 1000")));
    assertTrue(!stranger.rest().contains("reply:ok"), stranger.rest().toString());
    // a real listener with ten more descriptors: taken, the ten closed
    ForgedPeer.Outcome extra = ForgedPeer.run(ForgedPeer.command(supervisor.socket, "extra-fds"));
    assertEquals(List.of("reply:ok"), extra.rest());
    supervisor.waitForLog("detach container=forged-extra-fds-" + extra.pid() + " ");
  }

  /** The one log line that names peer {@code pid}. */
  private static String onlyLineAbout(long pid, String what) throws Exception {
    String line = supervisor.waitForLog("pid " + pid + " ");
    // everything said of a peer is said before its handoff thread ends (or, refused at accept, before it starts)
    supervisor.awaitNoThread("handoff-" + pid);
    List<String> lines = supervisor.logLines("pid " + pid + " ");
    assertEquals(1, lines.size(), what + ": " + lines);
    assertTrue(!line.contains("\u001b") && line.codePoints().allMatch(c -> c >= 0x20 && c != 0x7f),
        "control characters in " + line);
    return line;
  }

  private static String message(String logLine) {
    return logLine.substring(logLine.indexOf(" - ") + 3);
  }

  @Test
  void silentAndSlowPeersDelayNoContainerAndAreCutOffInTime() throws Exception {
    List<Process> peers = new ArrayList<>();
    List<Path> outputs = new ArrayList<>();
    for (String mode : List.of("silent-open", "silent-open", "silent-open", "trickle")) {
      Path out = Files.createTempFile(dir, mode, ".out");
      outputs.add(out);
      peers.add(new ProcessBuilder(ForgedPeer.command(supervisor.socket, mode))
          .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start());
    }
    for (Process p : peers) { // all four connected and holding their connections
      supervisor.awaitThread("handoff-" + p.pid());
    }

    long start = System.nanoTime();
    assertServesAContainer();
    double seconds = (System.nanoTime() - start) / 1e9;
    assertTrue(seconds < HANDOFF_TIMEOUT - 1, "a container waited " + seconds + " s behind silent peers");

    for (int i = 0; i < peers.size(); i++) {
      assertTrue(peers.get(i).waitFor(30, TimeUnit.SECONDS), "a peer was never cut off");
      ForgedPeer.Outcome o = ForgedPeer.parse(Files.readString(outputs.get(i), StandardCharsets.UTF_8));
      double held = Double.parseDouble(o.rest().get(0));
      assertTrue(held >= HANDOFF_TIMEOUT - 1 && held <= HANDOFF_TIMEOUT + 2, "held " + held + " s");
      assertEquals("refused a connection from pid " + o.pid() + " uid 0: no complete state message within "
          + HANDOFF_TIMEOUT * 1000 + " ms", message(onlyLineAbout(o.pid(), "silent")));
    }
    assertServesAContainer();
  }

  private static void assertServesAContainer() throws Exception {
    String name = Runc.name("after");
    Path bundle = OciBundles.bundle(dir.resolve(name), rootfs, supervisor.socket, null, "id");
    Sh.Result r = runc.run(bundle, name);
    assertEquals(0, r.status(), r.err());
    assertEquals("uid=60000(site) gid=60000(site) groups=60000(site)", r.out().strip());
    assertTrue(supervisor.isAlive());
  }
}
