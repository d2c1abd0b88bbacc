package io.usernetes.identity.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A hostile or broken client of the supervisor's socket: {@code src/test/python/forged_peer.py},
 * which forges state messages and {@code SCM_RIGHTS} descriptors with python3's {@code
 * socket.sendmsg}. Its first output line is its pid (what the supervisor logs of a peer).
 */
final class ForgedPeer {
  static final String PYTHON = "/usr/bin/python3"; // readable by every user, unlike a pyenv shim

  private ForgedPeer() {}

  static List<String> command(Path socket, String mode) {
    return List.of(PYTHON, Installed.project().resolve("src/test/python/forged_peer.py").toString(),
        socket.toString(), mode);
  }

  /** The same as another user, through {@code setpriv} (no supplementary groups). */
  static List<String> commandAs(long uid, Path socket, String mode) {
    List<String> argv = new ArrayList<>(List.of("setpriv", "--reuid", Long.toString(uid), "--regid",
        Long.toString(uid), "--clear-groups"));
    argv.addAll(command(socket, mode));
    return argv;
  }

  /** What a peer printed: its pid, then the rest of its output. */
  record Outcome(long pid, List<String> rest) {}

  static Outcome run(List<String> command) throws Exception {
    Sh.Result r = Sh.exec(command);
    if (r.status() != 0) {
      throw new AssertionError(command + " failed: " + r.err() + r.out());
    }
    return parse(r.out());
  }

  static Outcome parse(String out) {
    List<String> lines = out.lines().toList();
    return new Outcome(Long.parseLong(lines.get(0).strip()), lines.subList(1, lines.size()));
  }
}
