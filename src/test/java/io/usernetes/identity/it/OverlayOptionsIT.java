package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: both invocation forms, the option syntax podman and mount.fuse use, refusals. */
class OverlayOptionsIT {
  @TempDir Path dir;

  @Test
  void theMountFuseFormTakesTheLastNonOptionAsMountpoint() throws Exception {
    Layers l = Layers.in(dir, 1);
    Sh.ok("echo 1 > " + l.lower(1).resolve("a"));
    try (OverlayMount m = OverlayMount.mount(List.of(), "overlay", l.mnt.toString(), "-o", l.options())) {
      assertEquals("1\n", Sh.ok("cat " + l.m("a")));
    }
  }

  @Test
  void podmansOptionsWithAQuotedContextAnEmptyOptionAndAnEscapedColon() throws Exception {
    Layers l = Layers.in(dir, 1);
    Path colon = Files.createDirectory(dir.resolve("lower:1"));
    Sh.ok("echo colon > '" + colon.resolve("c") + "'; echo 1 > " + l.lower(1).resolve("a"));
    String opts = "lowerdir=" + colon.toString().replace(":", "\\:") + ":" + l.lower(1) + ",upperdir=" + l.upper
        + ",workdir=" + l.work + ",,volatile,context=\"system_u:object_r:container_file_t:s0:c1,c2\","
        + "unknown_option=1,noacl,static_nlink";
    try (OverlayMount m = OverlayMount.mount(List.of(), "-o", opts, l.mnt.toString())) {
      assertEquals("colon\n1\n", Sh.ok("cat " + l.m("c") + " " + l.m("a")));
      Sh.ok("mkdir " + l.m("d"));
      assertEquals("1\n", Sh.ok("stat -c %h " + l.m("d")), "static_nlink took effect");
    }
  }

  @Test
  void noxattrsTurnsXattrsOffAndOptionsWithoutEffectAreLoggedOnce() throws Exception {
    Layers l = Layers.in(dir, 1);
    Sh.ok("echo 1 > " + l.lower(1).resolve("a"));
    Path log = dir.resolve("mount.log");
    try (OverlayMount m = OverlayMount.mount(List.of("USERNETES_IDENTITY_LOG_FILE=" + log), "-o",
        l.options() + ",noxattrs=1,noacl,xino=auto,writeback=0", l.mnt.toString())) {
      assertEquals("ENOTSUP", Sh.errno("os.setxattr('" + l.m("a") + "', 'user.x', b'1')"));
      assertEquals("ENOTSUP", Sh.errno("os.listxattr('" + l.m("a") + "')"));
      assertEquals("", Sh.ok("ls -A " + l.upper), "nothing was copied up for the refused setxattr");
    }
    List<String> lines = Files.readAllLines(log).stream().filter(s -> s.contains("accepted, ignored")).toList();
    assertEquals(1, lines.size(), String.join("\n", lines));
    assertTrue(lines.get(0).endsWith("no effect on this mount): noacl, xino=auto, writeback=0"), lines.get(0));
    try (OverlayMount m = l.mount()) {
      Sh.ok("setfattr -n user.x -v 1 " + l.m("a"));
      assertEquals("1\n", Sh.ok("getfattr --only-values -n user.x " + l.m("a") + "; echo"), "xattrs work without it");
    }
  }

  @Test
  void repeatedDashOMergeAndHelpAndVersionExitZero() throws Exception {
    Layers l = Layers.in(dir, 1);
    try (OverlayMount m = OverlayMount.mount(List.of(), "-o", "lowerdir=" + l.lowerdir(),
        "-oupperdir=" + l.upper + ",workdir=" + l.work, l.mnt.toString())) {
      Sh.ok("touch " + l.m("written"));
    }
    assertTrue(Files.exists(l.upper.resolve("written")));
    OverlayMount.Launch version = OverlayMount.launch(List.of(), List.of(), List.of("--version"));
    assertEquals(0, version.status());
    assertTrue(version.out().startsWith("usernetes-identity "), version.out());
    assertEquals(0, OverlayMount.launch(List.of(), List.of(), List.of("--help")).status());
  }

  /** A refusal: one line on stderr, a non-zero status, no mount and no daemon left. */
  private void refused(List<String> env, String expected, String... args) throws Exception {
    OverlayMount.Launch r = OverlayMount.launch(List.of(), env, List.of(args));
    assertNotEquals(0, r.status(), r.err());
    assertTrue(r.err().startsWith("usernetes-identity: ") && r.err().endsWith("\n")
        && r.err().indexOf('\n') == r.err().length() - 1, "one line: " + r.err());
    assertTrue(r.err().contains(expected), r.err());
    assertTrue(OverlayMount.nothingMountedUnder(dir), "nothing mounted");
    // the JVM closed its stderr (the launch saw EOF) as it exited: it may still be ending
    Await.until("no process left", Duration.ofSeconds(5), () -> OverlayMount.processesLeft(dir.toString()).isEmpty());
  }

  /**
   * {@code threaded=1}: requests served on libfuse's worker threads, four writers at once
   * reading, appending to and hard-linking 200 files each; every name of a file is one inode.
   */
  @Test
  void threadedServesConcurrentWritersOnWorkerThreads() throws Exception {
    Layers l = Layers.in(dir, 1);
    Sh.ok("cd " + l.lower(1) + "; for i in $(seq 200); do echo $i > f$i; done");
    try (OverlayMount m = OverlayMount.mount(List.of(), "-o", "threaded=1," + l.options(), l.mnt.toString())) {
      String out = Sh.ok("cd " + l.mnt + "; for j in 1 2 3 4; do (for i in $(seq 200); do cat f$i >/dev/null;"
          + " echo $j >> f$i; ln f$i g$j-$i; done) & done; wait\n"
          + "ls | wc -l; stat -c '%h %i' f7 g1-7 g4-7 | sort -u | wc -l; stat -c %h f7; wc -l < f7");
      assertEquals("1000\n1\n5\n5\n", out, "1,000 names, one inode with five links, four appends");
    }
  }

  @Test
  void failuresPrintOneLineAndLeaveNothingBehind() throws Exception {
    Layers l = Layers.in(dir, 1);
    Path file = Files.writeString(dir.resolve("file"), "x");
    String mnt = l.mnt.toString();
    refused(List.of(), "lowerdir " + dir + "/missing", "-o", "lowerdir=" + dir + "/missing", mnt);
    refused(List.of(), file.toString(), "-o", l.options(), file.toString());
    refused(List.of(), "uidmapping", "-o", l.options() + ",uidmapping=0:0", mnt);
    refused(List.of("USERNETES_IDENTITY_UID_MAP=0:0:1,1:1:bogus"), "", "-o", l.options(), mnt);
    refused(List.of(), "workdir", "-o", "lowerdir=" + l.lowerdir() + ",upperdir=" + l.upper, mnt);
    refused(List.of(), "", "-o", l.options());
    Path inside = Files.createDirectories(l.lower(1).resolve("upper"));
    refused(List.of(), "overlaps lowerdir", "-o", "lowerdir=" + l.lower(1) + ",upperdir=" + inside
        + ",workdir=" + l.work, mnt);
    Path workInUpper = Files.createDirectories(l.upper.resolve("w"));
    refused(List.of(), "must be separate", "-o", "lowerdir=" + l.lower(1) + ",upperdir=" + l.upper
        + ",workdir=" + workInUpper, mnt);
    refused(List.of(), "uid_map", "-o", l.options() + ",uid_map=0:0:1/0:5:5", mnt);
  }
}
