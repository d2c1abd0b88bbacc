package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a supervisor restart does, exactly as the README's "Restarting the supervisor" says: the
 * listener fds live in the supervisor process only, so when it dies the kernel answers the
 * running containers' identity calls ENOSYS (getuid then returns 4294967258) for the rest of
 * their lives; while it is down runc refuses to start containers; a new supervisor on the same
 * path (the dead one's socket file is replaced) serves every container started after it.
 */
class SupervisorRestartIT {
  static final String ENOSYS_AS_UID = "4294967258";

  @Test
  void runningContainersGetEnosysAfterADeathAndNewContainersAreServedAfterARestart() throws Exception {
    Path dir = Files.createTempDirectory(Installed.project().resolve("target"), "supervisor-restart-it-");
    Path rootfs = OciBundles.rootfs(dir);
    Runc runc = new Runc(dir.resolve("runc"));
    String running = Runc.name("running");
    Path out = dir.resolve("running.out");
    RunningSupervisor first = RunningSupervisor.start(dir);
    try {
      Path bundle = OciBundles.bundle(dir.resolve(running), rootfs, first.socket, null, "sh", "-c",
          "while true; do id -u; sleep 0.1; done");
      Sh.ok(List.of("sh", "-c", String.join(" ", runc.command("run", "-d", "--bundle", bundle.toString(), running))
          + " >" + out + " 2>&1"));
      waitForLastLine(out, "60000");

      first.signal("KILL");
      first.awaitExit();
      assertTrue(Files.exists(first.socket), "a killed supervisor leaves its socket file");
      waitForLastLine(out, ENOSYS_AS_UID);

      String refused = Runc.name("refused");
      Sh.Result down = runc.run(OciBundles.bundle(dir.resolve(refused), rootfs, first.socket, null, "id"), refused);
      assertNotEquals(0, down.status(), "runc started a container with no supervisor: " + down.out());
      assertTrue(down.err().contains("seccomp agent"), down.err());
      runc.delete(refused);

      try (RunningSupervisor second = RunningSupervisor.start(dir)) {
        String fresh = Runc.name("fresh");
        Sh.Result r = runc.run(OciBundles.bundle(dir.resolve(fresh), rootfs, second.socket, null, "id"), fresh);
        assertEquals(0, r.status(), r.err());
        assertEquals("uid=60000(site) gid=60000(site) groups=60000(site)", r.out().strip());
        // the running container goes on asking after the restart, and is not served again
        int before = Files.readString(out).lines().toList().size();
        Await.until("three more answers from the running container", Duration.ofSeconds(10),
            () -> Files.readString(out).lines().count() >= before + 3);
        assertEquals(List.of(ENOSYS_AS_UID, ENOSYS_AS_UID, ENOSYS_AS_UID),
            Files.readString(out).lines().skip(before).limit(3).toList(), "the running container is not served again");
      }
    } finally {
      first.close();
      runc.delete(running);
    }
  }

  /**
   * A second {@code serve} on the socket of a live one refuses to start (one line, exit 2)
   * instead of replacing the socket file, and the first goes on serving containers.
   */
  @Test
  void aSecondServeOnALiveSocketIsRefusedAndTheFirstKeepsServing() throws Exception {
    Path dir = Files.createTempDirectory(Installed.project().resolve("target"), "supervisor-second-it-");
    Path rootfs = OciBundles.rootfs(dir);
    Runc runc = new Runc(dir.resolve("runc"));
    try (RunningSupervisor first = RunningSupervisor.start(dir)) {
      Object inode = Files.getAttribute(first.socket, "unix:ino");
      Path err = dir.resolve("second.err");
      Process second = new ProcessBuilder("env", "-i", "PATH=/usr/bin:/bin",
          "USERNETES_IDENTITY_LOG_FILE=" + dir.resolve("second.log"),
          Installed.bin("identity-supervisor").toString(), "serve", "--socket", first.socket.toString())
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
      try {
        assertTrue(second.waitFor(30, TimeUnit.SECONDS), "the second serve is still running: "
            + Files.readString(err));
      } finally {
        second.destroyForcibly();
      }
      assertEquals(2, second.exitValue());
      assertEquals("identity-supervisor: " + first.socket + ": something is serving there already "
          + "(another identity-supervisor?); stop it or choose another --socket\n", Files.readString(err));
      assertEquals(inode, Files.getAttribute(first.socket, "unix:ino"), "the socket file is the first's");
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(first.socket)));

      String name = Runc.name("after-second");
      Sh.Result r = runc.run(OciBundles.bundle(dir.resolve(name), rootfs, first.socket, null, "id"), name);
      assertEquals(0, r.status(), r.err());
      assertEquals("uid=60000(site) gid=60000(site) groups=60000(site)", r.out().strip());
    }
  }

  private static String lastLine(Path file) throws Exception {
    List<String> lines = Files.readString(file).lines().toList();
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
  }

  private static void waitForLastLine(Path file, String line) throws Exception {
    for (int i = 0; i < 200; i++) {
      if (Files.exists(file) && lastLine(file).equals(line)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("last line of " + file + " is not " + line + ": " + lastLine(file));
  }
}
