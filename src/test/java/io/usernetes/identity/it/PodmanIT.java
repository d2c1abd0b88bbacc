package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An unmodified podman (as root, with this machine's flags from test-environment.md) using the
 * installed {@code usernetes-identity} as {@code overlay.mount_program}: run, exec, commit, rm.
 */
class PodmanIT {
  private static Path dir;
  private static List<String> podman;
  private static final List<String> RUN_FLAGS = List.of("--network", "none", "--ulimit",
      "nofile=20000:20000", "--ulimit", "nproc=20000:20000", "--runtime", "runc");

  @BeforeAll
  static void image() throws Exception {
    dir = Files.createTempDirectory("podman-it");
    podman = List.of("podman", "--root", dir.resolve("graph").toString(), "--runroot",
        dir.resolve("run").toString(), "--storage-driver", "overlay", "--storage-opt",
        "overlay.mount_program=" + Installed.bin("usernetes-identity"), "--cgroup-manager", "cgroupfs");
    Path root = BusyboxImage.create(dir.resolve("rootfs"));
    Sh.ok(List.of("tar", "-C", root.toString(), "-cf", dir.resolve("image.tar").toString(), "."));
    podman("import", dir.resolve("image.tar").toString(), "localhost/usernetes-it");
  }

  @AfterAll
  static void reset() throws Exception {
    if (podman != null) {
      podman("rm", "-af");
      podman("system", "reset", "-f");
    }
    Sh.exec(List.of("rm", "-rf", dir.toString()));
  }

  private static String podman(String... args) throws Exception {
    List<String> command = new ArrayList<>(podman);
    command.addAll(List.of(args));
    return Sh.ok(command);
  }

  private static String run(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("run"));
    command.addAll(RUN_FLAGS);
    command.addAll(List.of(args));
    return podman(command.toArray(String[]::new));
  }

  /** Our FUSE mounts under this test's storage must all be gone (podman unmounts on rm). */
  private static void assertNoOverlayMountsLeft() throws Exception {
    long deadline = System.currentTimeMillis() + 5000;
    while (overlayMounts() > 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(0, overlayMounts(), () -> {
      try {
        return String.join("\n", Files.readAllLines(Path.of("/proc/mounts")));
      } catch (IOException e) {
        return e.toString();
      }
    });
  }

  private static long overlayMounts() throws IOException {
    return Files.readAllLines(Path.of("/proc/mounts")).stream()
        .filter(l -> l.contains(dir.toString()) && l.contains("fuse.usernetes-identity")).count();
  }

  @Test
  void chownToASiteUserSurvivesCommitAndTheHostOnlySeesThePoolId() throws Exception {
    String script = "touch /f && chown 60000:60000 /f && stat -c '%u:%g' /f";
    assertEquals("60000:60000\n", run("--name", "chowner", "localhost/usernetes-it", "sh", "-c", script));

    Path upper = Path.of(podman("inspect", "chowner", "--format", "{{.GraphDriver.Data.UpperDir}}").strip());
    assertEquals("1633:1633\n", Sh.ok(List.of("stat", "-c", "%u:%g", upper.resolve("f").toString())));
    assertEquals("60000\n", Sh.ok(List.of("getfattr", "--only-values", "-n", "user.usernetes.uid",
        upper.resolve("f").toString())) + "\n");

    podman("commit", "-q", "chowner", "localhost/usernetes-it-committed");
    assertEquals("60000:60000\n", run("--rm", "localhost/usernetes-it-committed", "stat", "-c", "%u:%g", "/f"));
    podman("rm", "chowner");
    assertNoOverlayMountsLeft();
  }

  @Test
  void execIntoARunningContainerSeesTheSameMount() throws Exception {
    run("-d", "--name", "sleeper", "localhost/usernetes-it", "sleep", "60");
    try {
      assertEquals("60000:60000\n", podman("exec", "sleeper", "sh", "-c",
          "touch /g && chown 60000:60000 /g && stat -c '%u:%g' /g"));
      assertEquals("60000\n", podman("exec", "sleeper", "stat", "-c", "%u", "/g"));
    } finally {
      podman("rm", "-f", "-t", "0", "sleeper");
    }
    assertNoOverlayMountsLeft();
  }

  @Test
  void withTheSupervisorAProcessStartedAsThePoolIdIsToldItsTrueIds() throws Exception {
    try (RunningSupervisor supervisor = RunningSupervisor.start(dir)) {
      Path profile = supervisor.profile(Installed.project().resolve("profiles/seccomp/identity-notify-moby.json"),
          dir.resolve("profile.json"));
      String seccomp = "seccomp=" + profile;
      assertEquals("uid=60000(site) gid=60000(site) groups=60000(site)\n", run("--rm", "--security-opt", seccomp,
          "--user", "1633:1633", "localhost/usernetes-it", "id"));
      // an administrator's explicit identity, as a podman annotation
      assertEquals("uid=1428 gid=60000(site) groups=60000(site)\n", run("--rm", "--security-opt", seccomp,
          "--user", "1633:1633", "--annotation", "usernetes.io/uid=1428", "localhost/usernetes-it", "id"));
    }
  }

  @Test
  void removedContainersLeaveNoMountsOrDaemons() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertEquals("ok\n", run("--rm", "localhost/usernetes-it", "echo", "ok"));
    }
    assertNoOverlayMountsLeft();
    // podman does not wait for the daemon to exit after unmounting; give it a moment
    long deadline = System.currentTimeMillis() + 5000;
    while (!OverlayMount.processesLeft(dir.toString()).isEmpty() && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(List.of(), OverlayMount.processesLeft(dir.toString()));
  }
}
