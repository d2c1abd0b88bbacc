package io.usernetes.identity.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.event.Level;

/**
 * Where a daemon of this project logs, and the SLF4J (simple binding) setup for it. Must run
 * before the first logger is created.
 *
 * <p>The file is, in order: the {@code log-file} setting; {@code /var/log/usernetes-identity/
 * PROGRAM.log} when that directory can be used (root on the host); {@code
 * $XDG_STATE_HOME/usernetes-identity/PROGRAM.log} or {@code ~/.local/state/usernetes-identity/
 * PROGRAM.log} (rootless, where podman runs the mount program with the user's HOME). Lines carry
 * the time, the thread and the daemon's pid, so several mounts can share one file.
 */
public final class DaemonLog {
  private DaemonLog() {}

  /** The candidate files, best first. */
  public static List<Path> candidates(String program, Optional<Path> configured,
      Map<String, String> environment) {
    List<Path> files = new ArrayList<>();
    configured.ifPresent(files::add);
    files.add(Path.of("/var/log/usernetes-identity", program + ".log"));
    String state = environment.get("XDG_STATE_HOME");
    String home = environment.get("HOME");
    if (state != null && state.startsWith("/")) {
      files.add(Path.of(state, "usernetes-identity", program + ".log"));
    } else if (home != null && home.startsWith("/")) {
      files.add(Path.of(home, ".local", "state", "usernetes-identity", program + ".log"));
    }
    return files;
  }

  /**
   * Points SLF4J at the first candidate that can be opened for appending ({@code System.err} when
   * none can) and returns it.
   */
  public static Optional<Path> configure(String program, Optional<Path> configured, Level level,
      Map<String, String> environment) {
    Optional<Path> chosen = Optional.empty();
    for (Path file : candidates(program, configured, environment)) {
      if (writable(file)) {
        chosen = Optional.of(file);
        break;
      }
    }
    System.setProperty("org.slf4j.simpleLogger.logFile", chosen.map(Path::toString).orElse("System.err"));
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level.name().toLowerCase(java.util.Locale.ROOT));
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
    System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
    System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
    System.setProperty("org.slf4j.simpleLogger.levelInBrackets", "true");
    return chosen;
  }

  private static boolean writable(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Files.newOutputStream(file, java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND).close();
      return true;
    } catch (IOException | SecurityException e) {
      return false;
    }
  }
}
