package io.usernetes.identity.daemon;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
 * PROGRAM.log} (rootless, where podman runs the mount program with the user's HOME).
 *
 * <p>Every mount is a daemon of its own, and many share one file: it is opened for appending
 * ({@code O_APPEND}) and each line reaches it in one {@code write(2)}, so no daemon truncates
 * another's lines or cuts into them. Lines carry the time and the logger's name (the mount
 * daemon's includes its pid).
 */
public final class DaemonLog {
  /** Lines up to this long (a stack trace included) are one write; longer ones are cut in pieces. */
  private static final int LINE_BUFFER = 64 << 10;
  private static final PrintStream CALLER_STDERR = System.err;

  private DaemonLog() {}

  /**
   * The standard error the program was started with, for the one-line messages meant for its
   * caller (podman shows them to the user): once {@link #configure} has chosen a file,
   * {@code System.err} is the log.
   */
  public static PrintStream callerStderr() {
    return CALLER_STDERR;
  }

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
   * Points SLF4J at the first candidate that can be opened for appending (the caller's stderr when
   * none can) and returns it. SLF4J's simple binding opens a file of its own by truncating it, so
   * the file is opened here and made {@code System.err}, which the binding asks for every line.
   */
  public static Optional<Path> configure(String program, Optional<Path> configured, Level level,
      Map<String, String> environment) {
    Optional<Path> chosen = Optional.empty();
    for (Path file : candidates(program, configured, environment)) {
      PrintStream log = openAppending(file);
      if (log != null) {
        System.setErr(log);
        chosen = Optional.of(file);
        break;
      }
    }
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level.name().toLowerCase(java.util.Locale.ROOT));
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
    System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
    System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
    System.setProperty("org.slf4j.simpleLogger.levelInBrackets", "true");
    return chosen;
  }

  /**
   * The file for appending, or null. Buffered and flushed only when SLF4J flushes after each
   * record, so a record is one write at the end of the file.
   */
  private static PrintStream openAppending(Path file) {
    try {
      Files.createDirectories(file.getParent());
      return new PrintStream(new BufferedOutputStream(new FileOutputStream(file.toFile(), true), LINE_BUFFER),
          false, StandardCharsets.UTF_8);
    } catch (IOException | SecurityException e) {
      return null;
    }
  }
}
