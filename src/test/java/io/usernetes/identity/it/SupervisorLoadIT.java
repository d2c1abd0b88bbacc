package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * 64 filtered processes against one {@code serve} for 50 seconds (runc would spend the two CPUs
 * starting containers; {@code identity-run}, the helper of {@code run}, hands over its listener
 * with the same OCI message): every answer right, no descriptor or thread left behind, memory
 * flat.
 *
 * <p>Half the processes run as kernel uid/gid 1633 chrooted in the busybox rootfs, whose
 * /etc/passwd declares 60000 (answered through the image and the pidfd credentials, per thread);
 * half run with an explicit identity of their own ({@code UID=70000+i}, {@code GID=80000+i} in
 * the metadata), so that an answer sent to the wrong listener would show.
 *
 * <p>Memory: the launcher caps the heap at 128 MiB, and a 3 s warm-up with the same 64
 * processes first lets the JIT, the heap's young generation and the thread stacks reach their
 * working size. After that, resident memory moves with GC timing only (about 9 MiB seen here);
 * {@value #RSS_SLACK_MIB} MiB is far below what a leak on the notify path would make: the run
 * answers about 6 million calls, so keeping even 8 bytes per notification would exceed it.
 */
class SupervisorLoadIT {
  static final int PROCESSES = 64;
  static final int SECONDS = 50;
  static final long RSS_SLACK_MIB = 32;

  @Test
  void sixtyFourProcessesForAMinuteAllAnsweredRightWithNothingLeaked() throws Exception {
    Path dir = Files.createTempDirectory(Installed.project().resolve("target"), "supervisor-load-it-");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path rootfs = OciBundles.rootfs(dir);
    Files.createDirectories(rootfs.resolve("run"));
    Files.copy(Installed.prefix().resolve("lib/usernetes-identity/identity-run"), rootfs.resolve("bin/identity-run"),
        StandardCopyOption.COPY_ATTRIBUTES);
    Files.copy(TestPrograms.build("id-load"), rootfs.resolve("bin/id-load"), StandardCopyOption.COPY_ATTRIBUTES);
    try (RunningSupervisor supervisor = RunningSupervisor.start(dir, rootfs.resolve("run/agent.sock"),
        "--allow-uid", "0,1633")) {
      Files.setPosixFilePermissions(supervisor.socket, PosixFilePermissions.fromString("rw-rw-rw-"));

      assertAllRight(run(dir, rootfs, "warm", 3));
      supervisor.waitForQuiet();
      int fds = supervisor.count("fd");
      int threads = supervisor.count("task");
      long rss = supervisor.rssKib();

      long attachedBefore = supervisor.logLines(" attach container=").size();
      List<Process> load = start(dir, rootfs, "load", SECONDS);
      Await.until("all " + PROCESSES + " listeners handed over", Duration.ofSeconds(30),
          () -> supervisor.logLines(" attach container=").size() >= attachedBefore + PROCESSES);
      Await.until("one listener thread each", Duration.ofSeconds(10),
          () -> supervisor.count("task") >= threads + PROCESSES);
      int threadsUnderLoad = supervisor.count("task");
      long rssEarly = supervisor.rssKib();
      // the first process to end has run the whole load: the others end with it
      assertTrue(load.get(0).waitFor(SECONDS + 60, TimeUnit.SECONDS), "the load never ended");
      long rssLate = supervisor.rssKib();
      List<String> results = await(load, dir, "load");
      assertAllRight(results);
      long calls = results.stream().mapToLong(l -> Long.parseLong(l.substring("calls=".length()))).sum();

      supervisor.waitForQuiet();
      String figures = "calls " + calls + ", fds " + fds + " -> " + supervisor.count("fd") + ", threads "
          + threads + " -> " + threadsUnderLoad + " (load) -> " + supervisor.count("task") + ", RSS KiB " + rss
          + " -> " + rssEarly + " (all attached) -> " + rssLate + " (load ending) -> " + supervisor.rssKib();
      System.out.println("SupervisorLoadIT: " + figures);
      assertEquals(fds, supervisor.count("fd"), figures);
      assertTrue(supervisor.count("task") <= threads, figures);
      assertTrue(rssLate - rssEarly <= RSS_SLACK_MIB * 1024, figures);
      assertTrue(supervisor.rssKib() - rss <= RSS_SLACK_MIB * 1024, figures);
      assertTrue(supervisor.logLines("[ERROR]").isEmpty() && supervisor.logLines("[WARN]").isEmpty(),
          supervisor.logText());
    }
  }

  private static List<String> run(Path dir, Path rootfs, String tag, int seconds) throws Exception {
    return await(start(dir, rootfs, tag, seconds), dir, tag);
  }

  private static List<Process> start(Path dir, Path rootfs, String tag, int seconds) throws Exception {
    List<Process> processes = new ArrayList<>();
    for (int i = 0; i < PROCESSES; i++) {
      List<String> argv;
      if (i % 2 == 0) {
        argv = List.of("chroot", "--userspec=1633:1633", rootfs.toString(), "/bin/identity-run", "/run/agent.sock",
            "", "/bin/id-load", Integer.toString(seconds), "60000", "60000");
      } else {
        argv = List.of(rootfs.resolve("bin/identity-run").toString(), rootfs.resolve("run/agent.sock").toString(),
            "UID=" + (70000 + i) + "\nGID=" + (80000 + i) + "\n", rootfs.resolve("bin/id-load").toString(),
            Integer.toString(seconds), Integer.toString(70000 + i), Integer.toString(80000 + i));
      }
      processes.add(new ProcessBuilder(argv).redirectErrorStream(true)
          .redirectOutput(dir.resolve(tag + "-" + i + ".out").toFile()).start());
    }
    return processes;
  }

  /** Each process's one output line, after checking it exited 0. */
  private static List<String> await(List<Process> processes, Path dir, String tag) throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < processes.size(); i++) {
      Process p = processes.get(i);
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError(tag + " process " + i + " never ended");
      }
      String out = Files.readString(dir.resolve(tag + "-" + i + ".out")).strip();
      assertEquals(0, p.exitValue(), tag + " process " + i + ": " + out);
      lines.add(out);
    }
    return lines;
  }

  private static void assertAllRight(List<String> results) {
    for (String r : results) {
      assertTrue(r.matches("calls=\\d+") && Long.parseLong(r.substring(6)) > 100, r);
    }
  }
}
