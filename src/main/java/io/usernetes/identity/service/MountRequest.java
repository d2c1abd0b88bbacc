package io.usernetes.identity.service;

import io.usernetes.identity.daemon.NulFields;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the mount program's native client sends the resident mount service: a magic field, the
 * caller's working directory, the number of environment entries, the entries ({@code NAME=VALUE})
 * and the mount program's arguments, each field ending in a NUL; then the client shuts its side
 * down. Fields are decoded as Latin-1, byte for byte, as the launcher's JVM decodes its arguments,
 * so paths that are not UTF-8 keep their bytes. Anything else is refused whole.
 *
 * @param cwd the caller's working directory (absolute)
 * @param environment the caller's environment: its configuration is read from it
 */
public record MountRequest(String cwd, Map<String, String> environment, List<String> args) {
  static final String MAGIC = "usernetes-identity/1";
  /** Far more than podman's command line (500 layers of 200-byte paths) and its environment. */
  public static final int MAX_BYTES = 1 << 20;
  private static final int MAX_FIELDS = 16_384;

  public MountRequest {
    environment = Map.copyOf(environment);
    args = List.copyOf(args);
  }

  /** The request in {@code data}, or empty when it is not one. */
  public static Optional<MountRequest> parse(byte[] data) {
    Optional<List<String>> split = NulFields.split(data, MAX_BYTES, MAX_FIELDS, StandardCharsets.ISO_8859_1);
    if (split.isEmpty()) {
      return Optional.empty();
    }
    List<String> fields = split.get();
    if (fields.size() < 3 || !fields.get(0).equals(MAGIC) || !fields.get(1).startsWith("/")
        || !fields.get(2).matches("[0-9]{1,5}")) {
      return Optional.empty();
    }
    int count = Integer.parseInt(fields.get(2));
    if (3 + count > fields.size()) {
      return Optional.empty();
    }
    Map<String, String> environment = new LinkedHashMap<>();
    for (String entry : fields.subList(3, 3 + count)) {
      int eq = entry.indexOf('=');
      if (eq <= 0) {
        return Optional.empty();
      }
      environment.putIfAbsent(entry.substring(0, eq), entry.substring(eq + 1)); // getenv takes the first
    }
    return Optional.of(new MountRequest(fields.get(1), environment, fields.subList(3 + count, fields.size())));
  }
}
