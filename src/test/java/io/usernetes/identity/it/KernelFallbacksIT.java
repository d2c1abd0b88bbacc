package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usernetes.identity.kernel.KernelFallback;
import io.usernetes.identity.kernel.KernelRelease;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@value KernelFallback#VARIABLE} makes the installed programs take the paths of kernels older
 * than this one, and those paths answer right: forced here explicitly, and as this test run
 * passes it on (pom.xml runs the supervisor and mount tests a second time with every fallback
 * forced; these tests show that the programs there really took them).
 */
class KernelFallbacksIT {
  private static final String SITE = "uid=60000(site) gid=60000(site) groups=60000(site)";
  private static final Pattern DETACH = Pattern.compile(" answered=(\\d+) .* recv=(\\w+) credentials=(\\w+)$");

  @TempDir Path dir;

  /** poll before RECV and ids from /proc: the detach line names both, answers come from the image. */
  @Test
  void forcedPollAndProcAnswerFromTheImage() throws Exception {
    List<String> env = List.of(KernelFallback.VARIABLE + "=poll, proc,nonsense");
    try (RunningSupervisor s = RunningSupervisor.start(dir, dir.resolve("agent.sock"), env)) {
      assertEquals(List.of("poll", "proc"), detachPaths(s, "forced"));
      assertEquals(1, s.logLines("kernel fallbacks forced by " + KernelFallback.VARIABLE + ": poll,proc").size());
      assertEquals(1, s.logLines(KernelFallback.VARIABLE + ": ignored [nonsense], which name no fallback").size());
    }
  }

  /** What the supervisor takes with this run's environment (the launchers are run under env -i). */
  @Test
  void theSupervisorTakesThePathsOfThisRun() throws Exception {
    KernelRelease kernel = KernelRelease.running();
    String recv = KernelFallback.POLL.forced() || !kernel.atLeast(6, 11) ? "poll" : "blocking";
    String credentials = KernelFallback.PROC.forced() || !kernel.atLeast(6, 13) ? "proc" : "pidfd";
    try (RunningSupervisor s = RunningSupervisor.start(dir)) {
      assertEquals(List.of(recv, credentials), detachPaths(s, "this-run"));
      assertEquals(KernelFallback.running().forced().isEmpty(), s.logLines("kernel fallbacks forced").isEmpty());
    }
  }

  /** Records written and read again without *xattrat: a symlink's on its parent, a file's on itself. */
  @Test
  void forcedXattratKeepsTheRecords() throws Exception {
    assertEquals("an O_PATH descriptor and /proc/self/fd", mountAndCheckRecords(KernelFallback.VARIABLE + "=xattrat"));
  }

  @Test
  void theMountTakesTheXattrPathOfThisRun() throws Exception {
    boolean old = KernelFallback.XATTRAT.forced() || !KernelRelease.running().atLeast(6, 13);
    assertEquals(old ? "an O_PATH descriptor and /proc/self/fd" : "getxattrat, setxattrat and removexattrat",
        mountAndCheckRecords());
  }

  /** Runs {@code id} in a runc container; returns the recv= and credentials= of its detach line. */
  private List<String> detachPaths(RunningSupervisor s, String prefix) throws Exception {
    Path rootfs = OciBundles.rootfs(dir);
    Runc runc = new Runc(dir.resolve("runc"));
    String name = Runc.name(prefix);
    Sh.Result r = runc.run(OciBundles.bundle(dir.resolve(name), rootfs, s.socket, null, "sh", "-c", "id; id -u"), name);
    assertEquals(0, r.status(), r.err());
    assertEquals(SITE + "\n60000\n", r.out());
    String line = s.waitForLog("detach container=" + name);
    Matcher m = DETACH.matcher(line);
    assertTrue(m.find(), line);
    assertTrue(Long.parseLong(m.group(1)) >= 6, "answered " + line);
    return List.of(m.group(2), m.group(3));
  }

  /**
   * Mounts with {@code env} and debug logs, chowns through the mount, checks the records on the
   * upper layer and what a second mount reads back; returns how the log says xattrs were reached.
   */
  private String mountAndCheckRecords(String... env) throws Exception {
    Layers l = Layers.in(dir, 1);
    try (OverlayMount m = l.mount(withDebugLog(env, "first.log"))) {
      Sh.ok("cd " + l.mnt + "; touch f; ln -s f s; chown 60000:60000 f; chown -h 60000:60001 s");
    }
    assertEquals("60000:60000", Sh.ok("getfattr --only-values -n user.usernetes.uid " + l.upper.resolve("f"))
        + ":" + Sh.ok("getfattr --only-values -n user.usernetes.gid " + l.upper.resolve("f")));
    try (OverlayMount m = l.mount(withDebugLog(env, "second.log"))) {
      assertEquals("60000:60000 60000:60001\n", Sh.ok("cd " + l.mnt + "; echo $(stat -c %u:%g f s)"));
      Sh.ok("rm " + l.m("s"));
    }
    assertFalse(Sh.ok("getfattr -d -m - " + l.upper).contains("user.usernetes.entry."), "the symlink's record is gone");
    String first = xattrPath(l, "first.log");
    assertEquals(first, xattrPath(l, "second.log"));
    return first;
  }

  /** Each mount its own log: every daemon truncates the file it logs to (slf4j-simple). */
  private String[] withDebugLog(String[] env, String log) {
    List<String> all = new ArrayList<>(List.of(env));
    all.addAll(List.of("USERNETES_IDENTITY_LOG_FILE=" + dir.resolve(log), "USERNETES_IDENTITY_LOG_LEVEL=debug"));
    return all.toArray(String[]::new);
  }

  private String xattrPath(Layers l, String log) throws Exception {
    String prefix = "extended attributes of " + l.mnt + " through ";
    String text = Files.readString(dir.resolve(log));
    List<String> lines = text.lines().filter(x -> x.contains(prefix)).toList();
    assertEquals(1, lines.size(), text);
    return lines.get(0).substring(lines.get(0).indexOf(prefix) + prefix.length());
  }
}
