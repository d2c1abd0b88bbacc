package io.usernetes.identity.supervisor;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the container-process-state JSON that runc (compact) and crun (pretty-printed) send.
 *
 * <p>Every input ends in a {@link ContainerProcessState} or a {@link StateRejectedException}
 * with a one-line reason; nothing else escapes. Limits: {@value #MAX_BYTES} bytes, nesting depth
 * 32, duplicate keys refused (two {@code fds} entries must not let one reader see a different
 * message than another), {@value #MAX_FDS} fd names, {@value #MAX_ANNOTATIONS} annotations.
 * Unknown fields are allowed, as the spec says.
 */
public final class StateParser {
  /** CRI-O's annotations make several KiB; a MiB is far more than any runtime sends. */
  public static final int MAX_BYTES = 1 << 20;
  static final int MAX_FDS = 16;
  static final int MAX_ANNOTATIONS = 4096;

  private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(32)
          .maxStringLength(MAX_BYTES)
          .maxNumberLength(32)
          .maxNameLength(64 * 1024)
          .maxDocumentLength(MAX_BYTES)
          .build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build());

  private StateParser() {}

  public static ContainerProcessState parse(byte[] json) throws StateRejectedException {
    if (json.length > MAX_BYTES) {
      throw new StateRejectedException("state message larger than " + MAX_BYTES + " bytes");
    }
    if (json.length == 0) {
      throw new StateRejectedException("empty state message");
    }
    JsonNode root;
    try (JsonParser parser = MAPPER.createParser(json)) {
      root = MAPPER.readTree(parser);
      if (root != null && parser.nextToken() != null) {
        throw new StateRejectedException("trailing data after the state object");
      }
    } catch (JacksonException e) {
      throw new StateRejectedException("state message is not valid JSON: " + oneLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new StateRejectedException("state message unreadable: " + oneLine(e.getMessage()));
    }
    if (!(root instanceof ObjectNode top)) {
      throw new StateRejectedException("state message is not a JSON object");
    }
    String ociVersion = requiredString(top, "ociVersion", "");
    List<String> fds = fds(top.get("fds"));
    long pid = pid(top.get("pid"), "pid", true);
    Optional<String> metadata = optionalString(top, "metadata", "");
    JsonNode stateNode = top.get("state");
    if (!(stateNode instanceof ObjectNode state)) {
      throw new StateRejectedException("\"state\" is missing or not an object");
    }
    ContainerProcessState.State s = new ContainerProcessState.State(
        optionalString(state, "ociVersion", "state.").orElse(ociVersion),
        requiredString(state, "id", "state."),
        requiredString(state, "status", "state."),
        pid(state.get("pid"), "state.pid", false),
        optionalString(state, "bundle", "state."),
        annotations(state.get("annotations")));
    return new ContainerProcessState(ociVersion, fds, pid, metadata, s);
  }

  /**
   * Whether {@code json} already holds a whole, valid state: lets the agent stop reading before
   * EOF. Cheap for partial messages, which end before their last {@code '}'}.
   */
  public static boolean isComplete(byte[] json) {
    int end = json.length - 1;
    while (end >= 0 && (json[end] == ' ' || json[end] == '\n' || json[end] == '\r' || json[end] == '\t')) {
      end--;
    }
    if (end < 0 || json[end] != '}') {
      return false;
    }
    try {
      parse(json);
      return true;
    } catch (StateRejectedException e) {
      return false;
    }
  }

  private static String requiredString(ObjectNode node, String field, String prefix)
      throws StateRejectedException {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw new StateRejectedException("\"" + prefix + field + "\" is missing or not a string");
    }
    return v.textValue();
  }

  private static Optional<String> optionalString(ObjectNode node, String field, String prefix)
      throws StateRejectedException {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isTextual()) {
      throw new StateRejectedException("\"" + prefix + field + "\" is not a string");
    }
    return Optional.of(v.textValue());
  }

  private static long pid(JsonNode v, String field, boolean required) throws StateRejectedException {
    if (v == null || v.isNull()) {
      if (required) {
        throw new StateRejectedException("\"" + field + "\" is missing");
      }
      return 0;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0
        || (required && v.intValue() == 0)) {
      throw new StateRejectedException("\"" + field + "\" is not a process id");
    }
    return v.intValue();
  }

  private static List<String> fds(JsonNode v) throws StateRejectedException {
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray() || v.size() > MAX_FDS) {
      throw new StateRejectedException("\"fds\" is not an array of at most " + MAX_FDS + " names");
    }
    List<String> names = new ArrayList<>();
    for (JsonNode n : v) {
      if (!n.isTextual()) {
        throw new StateRejectedException("\"fds\" holds something other than a name");
      }
      names.add(n.textValue());
    }
    if (names.indexOf(ContainerProcessState.SECCOMP_FD) != names.lastIndexOf(ContainerProcessState.SECCOMP_FD)) {
      throw new StateRejectedException("\"fds\" names seccompFd twice");
    }
    return names;
  }

  private static Map<String, String> annotations(JsonNode v) throws StateRejectedException {
    if (v == null || v.isNull()) {
      return Map.of();
    }
    if (!v.isObject() || v.size() > MAX_ANNOTATIONS) {
      throw new StateRejectedException("\"state.annotations\" is not an object of at most "
          + MAX_ANNOTATIONS + " strings");
    }
    Map<String, String> annotations = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : v.properties()) {
      if (!e.getValue().isTextual()) {
        throw new StateRejectedException("annotation \"" + printable(e.getKey()) + "\" is not a string");
      }
      annotations.put(e.getKey(), e.getValue().textValue());
    }
    return annotations;
  }

  /** A parser message fit for one log line: no line breaks or control characters (peers choose its text). */
  private static String oneLine(String message) {
    String m = message == null ? "" : message.replaceAll("\\s+", " ").strip();
    StringBuilder b = new StringBuilder();
    m.codePoints().limit(200).forEach(c -> b.appendCodePoint(Character.isISOControl(c)
        || Character.getType(c) == Character.FORMAT ? '?' : c));
    return m.codePointCount(0, m.length()) > 200 ? b + "…" : b.toString();
  }

  static String printable(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints().limit(80).forEach(c -> b.appendCodePoint(Character.isISOControl(c)
        || Character.getType(c) == Character.FORMAT ? (int) '?' : c));
    return b.toString();
  }
}
