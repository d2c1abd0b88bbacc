package io.usernetes.identity.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error line in runc's JSON log ({@code --log FILE --log-format json}): containerd's shim
 * reports the last {@code "level":"error"} line of that file as the runtime's error, and without
 * one only "unable to retrieve OCI runtime error".
 */
final class RuntimeErrorLog {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RuntimeErrorLog() {}

  static void append(Path log, String message, PrintStream err) {
    Map<String, String> line = new LinkedHashMap<>();
    line.put("level", "error");
    line.put("msg", message);
    line.put("time", Instant.now().toString());
    try {
      Files.write(log, (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8),
          StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    } catch (IOException e) {
      err.println(RuntimeMain.PROGRAM + ": cannot write the error to " + log + ": " + e.getMessage());
    }
  }
}
