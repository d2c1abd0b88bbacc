package io.usernetes.identity.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A live mount of the installed {@code usernetes-identity} launcher, started the way podman starts
 * a mount program (stdin on /dev/null, stdout and stderr pipes read to EOF, minimal environment,
 * working directory /) and always unmounted by {@link #close}, which checks that neither the
 * mount nor its daemon outlives it (a mount service may: it ends with the last of its mounts).
 */
final class OverlayMount implements AutoCloseable {
  static final String MAIN = "io.usernetes.identity.cli.MountMain";
  static final String SERVICE = "io.usernetes.identity.cli.MountServiceMain";
  /** Live mounts by the pid serving them: a mount service exits only with the last of its mounts. */
  private static final java.util.Map<Long, Integer> LIVE = new java.util.concurrent.ConcurrentHashMap<>();
  /** How long a launcher may keep its pipes open; podman would hang forever. */
  static final long PIPE_TIMEOUT_SECONDS = 30;

  final Path mountpoint;
  final long daemon;
  /** Runs commands in the namespaces the mount lives in (empty: this process's). */
  private final List<String> enter;

  private OverlayMount(Path mountpoint, long daemon, List<String> enter) {
    this.mountpoint = mountpoint;
    this.daemon = daemon;
    this.enter = enter;
  }

  /** What one run of the launcher did. */
  record Launch(int status, String out, String err, long millis) {}

  /**
   * Runs the installed launcher with {@code args}; {@code prefix} (e.g. nsenter) goes before it.
   * Fails if the launcher or anything it left behind holds stdout or stderr open too long.
   */
  static Launch launch(List<String> prefix, List<String> env, List<String> args) throws Exception {
    List<String> argv = new ArrayList<>(prefix);
    argv.addAll(Installed.minimalEnvironment());
    argv.addAll(env);
    argv.add(Installed.bin("usernetes-identity").toString());
    argv.addAll(args);
    long start = System.nanoTime();
    Process p = new ProcessBuilder(argv).directory(Path.of("/").toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    CompletableFuture<String> out = drain(p.getInputStream());
    CompletableFuture<String> err = drain(p.getErrorStream());
    try {
      String o = out.get(PIPE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      String e = err.get(PIPE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertTrue(p.waitFor(PIPE_TIMEOUT_SECONDS, TimeUnit.SECONDS), "launcher did not exit: " + argv);
      return new Launch(p.exitValue(), o, e, (System.nanoTime() - start) / 1_000_000);
    } catch (java.util.concurrent.TimeoutException e) {
      p.destroyForcibly();
      throw new AssertionError("stdout/stderr still open after " + PIPE_TIMEOUT_SECONDS + " s: " + argv);
    }
  }

  private static CompletableFuture<String> drain(InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try (in) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  /** Mounts with the given launcher arguments (the mountpoint is the last non-option one). */
  static OverlayMount mount(List<String> env, String... args) throws Exception {
    return mountIn(List.of(), env, args);
  }

  /** Mounts from inside the namespaces {@code enter} (an nsenter command line) leads into. */
  static OverlayMount mountIn(List<String> enter, List<String> env, String... args) throws Exception {
    Path mountpoint = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("-o")) {
        i++;
      } else if (!args[i].startsWith("-")) {
        mountpoint = Path.of(args[i]); // the last non-option argument, as the program reads it
      }
    }
    Launch l = launch(enter, env, List.of(args));
    if (l.status() != 0) {
      fail("mount failed with " + l.status() + ": " + l.err());
    }
    assertEquals("", l.out() + l.err(), "a successful mount prints nothing");
    OverlayMount m = new OverlayMount(mountpoint, -1, enter);
    String type = m.fileSystemType().orElse(null);
    long pid = daemonOf(mountpoint, m.mountNamespace()).orElse(-1L);
    m = new OverlayMount(mountpoint, pid, enter);
    LIVE.merge(pid, 1, Integer::sum);
    if (type == null || pid < 0) {
      m.close();
    }
    assertEquals("fuse.usernetes-identity", type, "mounted right after exit 0");
    assertTrue(pid > 0, "a daemon serves " + mountpoint);
    return m;
  }

  /** The file system type at the mountpoint as its mount namespace sees it, if it is mounted. */
  Optional<String> fileSystemType() throws Exception {
    String mountinfo;
    if (enter.isEmpty()) {
      mountinfo = Files.readString(Path.of("/proc/self/mountinfo"));
    } else {
      List<String> cat = new ArrayList<>(enter);
      cat.addAll(List.of("cat", "/proc/self/mountinfo"));
      mountinfo = Sh.exec(cat).out();
    }
    return typeAt(mountinfo, mountpoint);
  }

  static Optional<String> typeAt(String mountinfo, Path mountpoint) {
    String escaped = mountpoint.toString().replace("\\", "\\134").replace(" ", "\\040")
        .replace("\t", "\\011").replace("\n", "\\012");
    Optional<String> type = Optional.empty();
    for (String line : mountinfo.split("\n")) {
      String[] f = line.split(" ");
      if (f.length > 4 && f[4].equals(escaped)) {
        int dash = List.of(f).indexOf("-");
        type = Optional.of(f[dash + 1]); // the last mount on a path is the visible one
      }
    }
    return type;
  }

  /** True when this process's namespace shows no mount at or below {@code dir}. */
  static boolean nothingMountedUnder(Path dir) throws IOException {
    String prefix = dir.toString();
    return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
        .map(line -> line.split(" ")[4])
        .noneMatch(p -> p.equals(prefix) || p.startsWith(prefix + "/"));
  }

  /** The mount namespace the mount lives in, as {@code /proc/PID/ns/mnt} names it. */
  String mountNamespace() throws Exception {
    return enter.isEmpty() ? Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString()
        : Sh.exec(in("readlink", "/proc/self/ns/mnt")).out().strip();
  }

  /**
   * What serves {@code mountpoint}: the mount program JVM with it among its arguments, else the
   * mount service of the namespace it was made in.
   */
  static Optional<Long> daemonOf(Path mountpoint, String mountNamespace) throws IOException {
    Optional<Long> own = daemons().filter(c -> c.args().contains(mountpoint.toString()))
        .map(Cmdline::pid).findFirst();
    return own.isPresent() ? own : services().filter(pid -> mountNamespace.equals(namespaceOf(pid))).findFirst();
  }

  /** What serves {@code mountpoint}, made in this process's mount namespace. */
  static Optional<Long> daemonOf(Path mountpoint) throws IOException {
    return daemonOf(mountpoint, Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString());
  }

  /**
   * Mount processes left: JVMs of their own whose command line mentions {@code text}, and every
   * mount service (a service lives only while it serves a mount; tests run one at a time).
   */
  static List<Long> processesLeft(String text) throws IOException {
    List<Long> left = new ArrayList<>(daemons().filter(c -> c.args().stream().anyMatch(a -> a.contains(text)))
        .map(Cmdline::pid).toList());
    left.addAll(services().toList());
    return left;
  }

  /** Live mount services, in any namespace. */
  static Stream<Long> services() throws IOException {
    return processes().filter(c -> c.args().contains(SERVICE)).map(Cmdline::pid);
  }

  private static String namespaceOf(long pid) {
    try {
      return Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/mnt")).toString();
    } catch (IOException e) {
      return "";
    }
  }

  private record Cmdline(long pid, List<String> args) {}

  private static Stream<Cmdline> daemons() throws IOException {
    return processes().filter(c -> c.args().contains(MAIN));
  }

  private static Stream<Cmdline> processes() throws IOException {
    List<Cmdline> all = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try {
          if (!alive(Long.parseLong(p.getFileName().toString()))) {
            continue;
          }
          String raw = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.ISO_8859_1);
          List<String> args = List.of(raw.split("\0"));
          all.add(new Cmdline(Long.parseLong(p.getFileName().toString()), args));
        } catch (IOException gone) {
          // exited while we looked
        }
      }
    }
    return all.stream();
  }

  /** Running and not a zombie (PID 1 here reaps orphans late). */
  static boolean alive(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException e) {
      return false;
    }
  }

  static boolean awaitExit(long pid, long seconds) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (alive(pid)) {
      if (System.nanoTime() > end) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  /** A command that runs in the mount's namespaces (for a mount made in this one: as is). */
  List<String> in(String... command) {
    List<String> argv = new ArrayList<>(enter);
    argv.addAll(List.of(command));
    return argv;
  }

  /** Unmounts with {@code fusermount3 -u} (as podman does) and checks nothing is left. */
  @Override
  public void close() throws Exception {
    Sh.Result r = Sh.exec(in("fusermount3", "-u", mountpoint.toString()));
    boolean last = LIVE.merge(daemon, -1, Integer::sum) <= 0;
    boolean exited = daemon < 0 || !last || awaitExit(daemon, 20);
    if (r.status() != 0 || !exited) {
      Sh.exec(in("umount", "-l", mountpoint.toString()));
      if (daemon > 0 && alive(daemon)) {
        Sh.exec(List.of("kill", "-9", Long.toString(daemon)));
      }
    }
    assertEquals(0, r.status(), "fusermount3 -u: " + r.err());
    assertTrue(exited, "daemon " + daemon + " exits after fusermount3 -u of its last mount");
    assertTrue(fileSystemType().isEmpty(), "nothing left mounted on " + mountpoint);
  }
}
