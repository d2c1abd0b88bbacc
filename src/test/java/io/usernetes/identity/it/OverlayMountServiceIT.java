package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One mount service serves every mount of a namespace: a mount that hangs delays no other, and
 * the service's death is every one of its mounts failing at once (ENOTCONN) and a mount it was
 * making failing with that reason, never a wait; the next mount starts a fresh service.
 *
 * <p>A hang is made real: a lower layer on a FUSE mount of its own JVM, stopped with SIGSTOP, so
 * that whatever reaches into it waits in the kernel until SIGCONT.
 */
class OverlayMountServiceIT {
  private static final List<String> OWN_JVM = List.of("USERNETES_IDENTITY_MOUNT_SERVICE=off");

  @TempDir Path dir;

  @Test
  void aHangInOneMountDelaysNoOtherAndTheServicesDeathFailsItsMountsAtOnce() throws Exception {
    Layers stalled = Layers.in(Files.createDirectory(dir.resolve("stalled")), 1);
    Sh.ok("mkdir " + stalled.lower(1) + "/under-a " + stalled.lower(1) + "/under-x");
    Layers a = Layers.in(Files.createDirectory(dir.resolve("a")), 1);
    Layers b = Layers.in(Files.createDirectory(dir.resolve("b")), 1);
    Layers d = Layers.in(Files.createDirectory(dir.resolve("d")), 1);
    Layers x = Layers.in(Files.createDirectory(dir.resolve("x")), 1);
    Sh.ok("echo b > " + b.lower(1) + "/f");
    // fusectl's "waiting" counts a connection's requests without an answer; mounted for this test
    // where the machine has not mounted it, and unmounted again after
    boolean fusectl = Sh.exec(List.of("mountpoint", "-q", "/sys/fs/fuse/connections")).status() != 0;
    if (fusectl) {
      Sh.ok("mount -t fusectl fusectl /sys/fs/fuse/connections");
    }
    try {
      hangAndDeath(stalled, a, b, d, x);
    } finally {
      if (fusectl) {
        Sh.exec(List.of("umount", "/sys/fs/fuse/connections"));
      }
    }
  }

  private void hangAndDeath(Layers stalled, Layers a, Layers b, Layers d, Layers x) throws Exception {
    OverlayMount stall = OverlayMount.mount(OWN_JVM, "-o", stalled.options(), stalled.mnt.toString());
    Path waiting = Path.of("/sys/fs/fuse/connections", Long.toString(connection(stalled.mnt)), "waiting");
    // a's lower layer is a directory of the stalled mount, looked up while it still answers
    String aOptions = "lowerdir=" + stalled.m("under-a") + ":" + a.lower(1) + ",upperdir=" + a.upper + ",workdir=" + a.work;
    OverlayMount ma = OverlayMount.mount(List.of(), "-o", aOptions, a.mnt.toString());
    OverlayMount mb = b.mount();
    long service = mb.daemon;
    assertEquals(service, ma.daemon, "one service serves a and b");
    Process hungStat = null;
    Process hungMount = null;
    try {
      Sh.ok("kill -STOP " + stall.daemon);
      // a request of a's reaches the stalled layer and waits there, on a's session loop
      hungStat = new ProcessBuilder("stat", a.m("not-looked-up-yet")).start();
      Await.until("a's lookup waits on the stalled layer", Duration.ofSeconds(10), () -> waitingOn(waiting) >= 1);
      // and a mount the service is making waits there too, on that request's thread
      String xOptions = "lowerdir=" + stalled.m("under-x") + ",upperdir=" + x.upper + ",workdir=" + x.work;
      List<String> launch = new java.util.ArrayList<>(Installed.minimalEnvironment());
      launch.addAll(List.of(Installed.bin("usernetes-identity").toString(), "-o", xOptions, x.mnt.toString()));
      hungMount = new ProcessBuilder(launch).start();
      Await.until("the mount of x waits on the stalled layer", Duration.ofSeconds(10), () -> waitingOn(waiting) >= 2);

      assertEquals("b\n", Sh.ok("cat " + b.m("f")), "b answers while a and x wait");
      Sh.ok("echo written > " + b.m("g"));
      try (OverlayMount md = d.mount()) {
        assertEquals(service, md.daemon, "and the service makes a new mount");
        Sh.ok("touch " + d.m("new"));
      }

      Sh.ok("kill -9 " + service);
      assertTrue(OverlayMount.awaitExit(service, 10));
      Process failing = hungMount;
      CompletableFuture<String> mountSaid = CompletableFuture.supplyAsync(() -> read(failing));
      assertTrue(hungMount.waitFor(10, TimeUnit.SECONDS), "the mount being made fails, it does not wait");
      assertEquals(1, hungMount.exitValue());
      assertTrue(mountSaid.get(10, TimeUnit.SECONDS).startsWith("usernetes-identity: the mount service at "
          + "/run/usernetes-identity/mount-"), mountSaid.get());
      assertTrue(hungStat.waitFor(10, TimeUnit.SECONDS), "a's waiting lookup ends with the service");
      assertNotEquals(0, hungStat.exitValue());
      for (Layers gone : List.of(a, b)) {
        assertTrue(Sh.exec(List.of("stat", gone.m("f"))).err().contains("Transport endpoint is not connected"),
            "every mount of the dead service fails at once: " + gone.mnt);
      }

      try (OverlayMount fresh = d.mount()) {
        assertNotEquals(service, fresh.daemon, "the next mount starts a fresh service");
        assertEquals("", Sh.ok("ls " + d.mnt.resolve("new") + " >/dev/null; ls " + x.mnt), "x was never mounted");
      }
    } finally {
      Sh.exec(List.of("kill", "-CONT", Long.toString(stall.daemon)));
      for (Process p : new Process[] {hungStat, hungMount}) {
        if (p != null) {
          p.destroyForcibly();
        }
      }
      Sh.exec(List.of("sh", "-c", "umount -l " + a.mnt + "; umount -l " + b.mnt + "; umount -l " + x.mnt + "; true"));
      Sh.exec(List.of("kill", "-9", Long.toString(service)));
    }
    stall.close();
    assertTrue(OverlayMount.nothingMountedUnder(dir));
  }

  /**
   * A mount that ended leaves no descriptor in the service (layer roots, cached directories, the
   * work directory, files still open): it serves every container a user ever starts.
   */
  @Test
  void aMountThatEndedLeavesNothingOpenInTheService() throws Exception {
    Layers keep = Layers.in(Files.createDirectory(dir.resolve("keep")), 1);
    try (OverlayMount keeper = keep.mount()) {
      long before = openDescriptors(keeper.daemon);
      for (int i = 0; i < 3; i++) {
        Layers l = Layers.in(Files.createDirectory(dir.resolve("m" + i)), 2);
        Sh.ok("mkdir -p " + l.lower(2) + "/a/b " + l.lower(1) + "/c; touch " + l.lower(2) + "/a/b/f " + l.lower(1) + "/c/g");
        try (OverlayMount m = l.mount()) {
          assertEquals(keeper.daemon, m.daemon);
          Sh.ok("find " + l.mnt + " >/dev/null; echo x >> " + l.m("a/b/f") + "; mkdir " + l.m("new"));
          assertTrue(openDescriptors(m.daemon) > before, "the mount holds descriptors while it lives");
        }
      }
      Await.until("the service holds what it held before", Duration.ofSeconds(10),
          () -> openDescriptors(keeper.daemon) == before);
    }
  }

  /**
   * Memory pressure in one mount ends no mount. With the service's heap cut to 48 MiB, lookups in
   * one mount make it read 392,000 lower names (one name in each of 56 directories of 7,000),
   * more than the heap holds as listings; past 70% after a collection the service drops the
   * shared listings, and both that mount and another keep answering. (Without it the service ran
   * out of memory and every mount failed.)
   */
  @Test
  void oneMountsAppetiteForMemoryEndsNoMount() throws Exception {
    Path fs = Files.createDirectory(dir.resolve("tmpfs")); // 392,000 files are made fastest there
    Sh.ok("mount -t tmpfs -o size=512m tmpfs " + fs);
    try {
      appetite(Layers.in(Files.createDirectory(fs.resolve("big")), 1),
          Layers.in(Files.createDirectory(fs.resolve("other")), 1));
    } finally {
      Sh.exec(List.of("umount", "-l", fs.toString()));
    }
  }

  private void appetite(Layers big, Layers other) throws Exception {
    Sh.python("import os\nfor d in range(56):\n    p = '" + big.lower(1) + "/dir%d' % d\n    os.mkdir(p)\n"
        + "    for f in range(7000):\n        os.close(os.open(p + '/file-with-a-longer-name-%06d' % f, os.O_CREAT | os.O_WRONLY, 0o644))\n");
    Sh.ok("echo other > " + other.lower(1) + "/f");
    String installed = Files.readString(Installed.bin("usernetes-identity"));
    assertTrue(installed.contains("-Xmx768m"), "the service's heap is set in the launcher");
    Path small = dir.resolve("usernetes-identity-48m");
    Files.writeString(small, installed.replace("-Xmx768m", "-Xmx48m"));
    List<String> env = Installed.minimalEnvironment();
    Sh.ok("chmod 755 " + small + "; " + String.join(" ", env) + " " + small + " -o " + big.options() + " " + big.mnt
        + " && " + String.join(" ", env) + " " + small + " -o " + other.options() + " " + other.mnt);
    long service = OverlayMount.daemonOf(big.mnt).orElseThrow();
    try {
      assertEquals(service, OverlayMount.daemonOf(other.mnt).orElseThrow(), "one service serves both");
      StringBuilder lookups = new StringBuilder();
      for (int d = 0; d < 56; d++) {
        lookups.append(big.m("dir" + d + "/file-with-a-longer-name-000000")).append(' ');
      }
      Sh.ok("stat -c %s " + lookups + " >/dev/null");
      assertTrue(OverlayMount.alive(service), "the service lives");
      assertEquals("0\n", Sh.ok("stat -c %s " + big.m("dir55/file-with-a-longer-name-006999")));
      assertEquals("other\n", Sh.ok("cat " + other.m("f")), "the other mount answers");
    } finally {
      Sh.exec(List.of("sh", "-c", "fusermount3 -u " + big.mnt + "; fusermount3 -u " + other.mnt + "; true"));
    }
    assertTrue(OverlayMount.awaitExit(service, 20), "the service ends with its mounts");
  }

  private static long openDescriptors(long pid) throws Exception {
    try (java.util.stream.Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      return fds.count();
    }
  }

  /** The FUSE connection of a mount: the minor device number in its mountinfo line. */
  private static long connection(Path mountpoint) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String[] f = line.split(" ");
      if (f[4].equals(mountpoint.toString())) {
        return Long.parseLong(f[2].substring(f[2].indexOf(':') + 1));
      }
    }
    throw new AssertionError(mountpoint + " is not mounted");
  }

  private static long waitingOn(Path waiting) throws Exception {
    return Long.parseLong(Files.readString(waiting).strip());
  }

  private static String read(Process p) {
    try {
      return new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
