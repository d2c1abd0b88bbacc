package io.usernetes.identity.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** An installed {@code identity-supervisor serve} on a socket of the test's own, with its log. */
final class RunningSupervisor implements AutoCloseable {
  final Path socket;
  final Path log;
  private final Process process;

  private RunningSupervisor(Path socket, Path log, Process process) {
    this.socket = socket;
    this.log = log;
    this.process = process;
  }

  static RunningSupervisor start(Path dir) throws Exception {
    Path socket = dir.resolve("agent.sock");
    Path log = dir.resolve("supervisor.log");
    Process p = new ProcessBuilder("env", "-i", "PATH=/usr/bin:/bin", "USERNETES_IDENTITY_LOG_FILE=" + log,
        Installed.bin("identity-supervisor").toString(), "serve", "--socket", socket.toString())
        .redirectOutput(dir.resolve("serve.out").toFile()).redirectError(dir.resolve("serve.err").toFile())
        .start();
    for (int i = 0; i < 300 && !Files.exists(socket); i++) {
      if (!p.isAlive()) {
        throw new AssertionError("supervisor died: " + Files.readString(dir.resolve("serve.err")));
      }
      Thread.sleep(50);
    }
    if (!Files.exists(socket)) {
      p.destroyForcibly();
      throw new AssertionError("supervisor socket never appeared");
    }
    return new RunningSupervisor(socket, log, p);
  }

  /** A copy of a shipped seccomp profile whose listenerPath is this supervisor's socket. */
  Path profile(Path shipped, Path into) throws Exception {
    String text = Files.readString(shipped)
        .replace("/run/usernetes-identity/agent.sock", socket.toString());
    return Files.writeString(into, text);
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
