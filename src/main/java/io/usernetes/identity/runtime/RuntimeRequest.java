package io.usernetes.identity.runtime;

import io.usernetes.identity.daemon.NulFields;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What {@code identity-runtime}'s native client sends the resident service: the runtime's
 * working directory and arguments, each field ending in a NUL, after a magic field; the client
 * then shuts its side down. Parsed as untrusted input: anything else is refused whole.
 *
 * @param cwd the client's working directory: a relative {@code --bundle} (or none) is resolved there
 */
public record RuntimeRequest(Path cwd, List<String> args) {
  static final String MAGIC = "identity-runtime/1";
  /** Far more than any runtime command line. */
  public static final int MAX_BYTES = 256 * 1024;
  private static final int MAX_ARGS = 4096;

  /** The request in {@code data}, or empty when it is not one. */
  public static Optional<RuntimeRequest> parse(byte[] data) {
    Optional<List<String>> split = NulFields.split(data, MAX_BYTES, MAX_ARGS + 2, StandardCharsets.UTF_8);
    if (split.isEmpty()) {
      return Optional.empty();
    }
    List<String> fields = split.get();
    if (fields.size() < 2 || !fields.get(0).equals(MAGIC) || !fields.get(1).startsWith("/")) {
      return Optional.empty();
    }
    return Optional.of(new RuntimeRequest(Path.of(fields.get(1)), List.copyOf(fields.subList(2, fields.size()))));
  }
}
