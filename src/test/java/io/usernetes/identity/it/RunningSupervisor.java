package io.usernetes.identity.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An installed {@code identity-supervisor serve} on a socket of the test's own, with its log, and
 * what tests observe of it: its log lines, its descriptors, threads and memory.
 */
final class RunningSupervisor implements AutoCloseable {
  final Path socket;
  final Path log;
  private final Path dir;
  private final Process process;

  private RunningSupervisor(Path dir, Path socket, Path log, Process process) {
    this.dir = dir;
    this.socket = socket;
    this.log = log;
    this.process = process;
  }

  static RunningSupervisor start(Path dir, String... options) throws Exception {
    return start(dir, dir.resolve("agent.sock"), options);
  }

  /** {@code serve --socket SOCKET OPTIONS...}, logging to {@code DIR/supervisor.log}. */
  static RunningSupervisor start(Path dir, Path socket, String... options) throws Exception {
    return start(dir, socket, List.of(), options);
  }

  /** {@link #start(Path, Path, String...)} with VAR=value pairs added to its environment. */
  static RunningSupervisor start(Path dir, Path socket, List<String> environment, String... options)
      throws Exception {
    Path log = dir.resolve("supervisor.log");
    List<String> argv = Installed.minimalEnvironment();
    argv.addAll(environment);
    argv.addAll(List.of("USERNETES_IDENTITY_LOG_FILE=" + log, Installed.bin("identity-supervisor").toString(),
        "serve", "--socket", socket.toString()));
    argv.addAll(List.of(options));
    Process p = new ProcessBuilder(argv)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("serve.out").toFile()))
        .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("serve.err").toFile()))
        .start();
    RunningSupervisor s = new RunningSupervisor(dir, socket, log, p);
    // "serving" on stderr comes after bind: a stale socket file from a killed predecessor does not count
    for (int i = 0; i < 300 && !s.serving(); i++) {
      if (!p.isAlive()) {
        throw new AssertionError("supervisor died: " + read(dir.resolve("serve.err")));
      }
      Thread.sleep(50);
    }
    if (!s.serving()) {
      p.destroyForcibly();
      throw new AssertionError("supervisor never said it was serving: " + read(dir.resolve("serve.err")));
    }
    return s;
  }

  private boolean serving() {
    long pid = process.pid();
    return read(log).lines().anyMatch(l -> l.contains("serving " + socket) && l.contains("(pid " + pid + ")"));
  }

  /** The supervisor's JVM (the launcher execs it, so it is the process started). */
  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Kills the supervisor with {@code signal} (e.g. "KILL", "STOP", "CONT"). */
  void signal(String signal) throws Exception {
    Sh.ok(List.of("kill", "-" + signal, Long.toString(pid())));
  }

  /** Waits for the process to end after a fatal signal. */
  void awaitExit() throws Exception {
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      throw new AssertionError("supervisor did not exit");
    }
  }

  /** The whole log so far. */
  String logText() {
    return read(log);
  }

  /** Log lines containing {@code text}. */
  List<String> logLines(String text) {
    return logText().lines().filter(l -> l.contains(text)).toList();
  }

  /** Waits (at most 15 s) until the log has a line containing {@code text}; returns that line. */
  String waitForLog(String text) throws Exception {
    for (int i = 0; i < 300; i++) {
      List<String> lines = logLines(text);
      if (!lines.isEmpty()) {
        return lines.get(0);
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no \"" + text + "\" in the log:\n" + logText());
  }

  /** Entries of {@code /proc/PID/fd} or {@code /proc/PID/task}. */
  int count(String what) throws IOException {
    try (var s = Files.list(Path.of("/proc", Long.toString(pid()), what))) {
      return (int) s.count();
    }
  }

  /** Resident memory in KiB ({@code VmRSS}). */
  long rssKib() throws IOException {
    String status = Files.readString(Path.of("/proc", Long.toString(pid()), "status"));
    return status.lines().filter(l -> l.startsWith("VmRSS:"))
        .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElseThrow();
  }

  /**
   * Waits until every listener session has ended (as many detach as attach lines) and its thread
   * and every handoff thread is gone: a session logs its detach line before its thread ends.
   */
  void waitForQuiet() throws Exception {
    Await.until("every session ended (see " + log + ")", Duration.ofSeconds(30), () -> {
      String text = logText();
      return text.lines().filter(l -> l.contains(" attach container=")).count()
          == text.lines().filter(l -> l.contains(" detach container=")).count()
          && threadNames().noneMatch(n -> n.startsWith("listener-") || n.startsWith("handoff-"));
    });
  }

  /**
   * The supervisor's thread names as the kernel has them ({@code comm}: the JVM gives each
   * thread its Java name, cut to 15 bytes).
   */
  private java.util.stream.Stream<String> threadNames() throws IOException {
    List<String> names = new ArrayList<>();
    try (var tasks = Files.list(Path.of("/proc", Long.toString(pid()), "task"))) {
      for (Path t : tasks.toList()) {
        try {
          names.add(Files.readString(t.resolve("comm")).strip());
        } catch (IOException gone) {
          // a thread that ended while we looked
        }
      }
    }
    return names.stream();
  }

  /** Waits until a thread named {@code name} runs in the supervisor (e.g. {@code handoff-PID}). */
  void awaitThread(String name) throws Exception {
    Await.until("a supervisor thread " + name, Duration.ofSeconds(15), () -> threadNames().anyMatch(name::equals));
  }

  /** Waits until no thread named {@code name} runs in the supervisor. */
  void awaitNoThread(String name) throws Exception {
    Await.until("no supervisor thread " + name, Duration.ofSeconds(15), () -> threadNames().noneMatch(name::equals));
  }

  /** A copy of a shipped seccomp profile whose listenerPath is this supervisor's socket. */
  Path profile(Path shipped, Path into) throws Exception {
    String text = Files.readString(shipped)
        .replace("/run/usernetes-identity/agent.sock", socket.toString());
    return Files.writeString(into, text);
  }

  static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** The directory it was started with (its log and output files are there). */
  Path dir() {
    return dir;
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      process.destroy(); // SIGTERM; a SIGSTOPped JVM gets CONT so it can act on it
      Sh.exec(List.of("kill", "-CONT", Long.toString(pid())));
    }
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
