package io.usernetes.identity.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Hooks a container up to the supervisor: the calls of {@code profiles/seccomp/identity-notify.json}
 * become {@code SCMP_ACT_NOTIFY} in the config's seccomp profile, whose {@code listenerPath} is the
 * supervisor's socket. The rest of the profile is kept: the id calls are taken out of whatever
 * rule named them (a call must have one action), and {@code unshare}/{@code setns} are notified
 * only where the profile allowed them without conditions, since the supervisor lets a notified
 * call run: it must never allow one the profile denied. Only then does the metadata promise
 * {@code NAMESPACE_CALLS=notified}.
 */
public final class NotifyRules {
  static final List<String> ID_CALLS = List.of("getuid", "geteuid", "getgid", "getegid", "getresuid",
      "getresgid", "getgroups", "getuid32", "geteuid32", "getgid32", "getegid32", "getresuid32",
      "getresgid32", "getgroups32");
  static final List<String> NAMESPACE_CALLS = List.of("unshare", "setns");
  private static final String NOTIFY = "SCMP_ACT_NOTIFY";
  private static final String ALLOW = "SCMP_ACT_ALLOW";
  private static final String PROFILE_LINE = "profile=usernetes-identity-v1";
  private static final String PROMISE_LINE = "NAMESPACE_CALLS=notified";

  private NotifyRules() {}

  /** Adds the rules; returns what the log should say (nothing when all went as asked). */
  public static List<String> apply(BundleConfig config, Path socket) {
    List<String> warnings = new ArrayList<>();
    boolean hadProfile = config.hasSeccomp();
    ObjectNode seccomp = config.seccomp();
    String listener = seccomp.path("listenerPath").asText("");
    if (!listener.isEmpty() && !listener.equals(socket.toString())) {
      warnings.add("the config's seccomp profile has a listener already (" + listener
          + "); the supervisor's rules are not added");
      return warnings;
    }
    if (!hadProfile) {
      seccomp.put("defaultAction", ALLOW);
    }
    List<String> notified = new ArrayList<>(ID_CALLS);
    boolean namespaceCalls = NAMESPACE_CALLS.stream().allMatch(call -> allowedWithoutConditions(seccomp, call));
    if (namespaceCalls) {
      notified.addAll(NAMESPACE_CALLS);
    } else {
      warnings.add("unshare and setns are not notified (the profile restricts them): the supervisor"
          + " re-reads a thread's user namespace at every call");
    }
    removeFromRules(seccomp, Set.copyOf(notified));
    ArrayNode rule = seccomp.withArrayProperty("syscalls").addObject().put("action", NOTIFY).putArray("names");
    notified.forEach(rule::add);
    seccomp.put("listenerPath", socket.toString());
    seccomp.put("listenerMetadata", metadata(seccomp.path("listenerMetadata").asText(""), namespaceCalls));
    return warnings;
  }

  /** Whether {@code call} runs unconditionally: named by a rule without args that allows it, or by none under a default of allow. */
  private static boolean allowedWithoutConditions(ObjectNode seccomp, String call) {
    boolean named = false;
    for (JsonNode rule : seccomp.path("syscalls")) {
      if (!names(rule).contains(call)) {
        continue;
      }
      named = true;
      boolean unconditional = rule.path("args").isMissingNode() || rule.path("args").isEmpty();
      String action = rule.path("action").asText();
      // NOTIFY: ours, the listener being the supervisor's or none
      if (!unconditional || !(action.equals(ALLOW) || action.equals(NOTIFY))) {
        return false;
      }
    }
    return named || seccomp.path("defaultAction").asText().equals(ALLOW);
  }

  private static List<String> names(JsonNode rule) {
    List<String> names = new ArrayList<>();
    rule.path("names").forEach(n -> names.add(n.asText()));
    return names;
  }

  /** Takes the calls out of every rule; a rule left with no call goes. */
  private static void removeFromRules(ObjectNode seccomp, Set<String> calls) {
    JsonNode rules = seccomp.path("syscalls");
    for (Iterator<JsonNode> it = rules.iterator(); it.hasNext(); ) {
      JsonNode rule = it.next();
      if (!(rule.path("names") instanceof ArrayNode names)) {
        continue;
      }
      for (Iterator<JsonNode> n = names.iterator(); n.hasNext(); ) {
        if (calls.contains(n.next().asText())) {
          n.remove();
        }
      }
      if (names.isEmpty()) {
        it.remove();
      }
    }
  }

  /** The config's metadata lines, with the profile's name and, if kept, the namespace promise. */
  private static String metadata(String existing, boolean namespaceCalls) {
    List<String> lines = new ArrayList<>();
    for (String line : existing.split("\n")) {
      if (!line.isBlank() && !line.equals(PROFILE_LINE) && !line.equals(PROMISE_LINE)) {
        lines.add(line);
      }
    }
    lines.add(PROFILE_LINE);
    if (namespaceCalls) {
      lines.add(PROMISE_LINE);
    }
    return String.join("\n", lines);
  }
}
