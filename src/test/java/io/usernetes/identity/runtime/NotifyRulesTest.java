package io.usernetes.identity.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotifyRulesTest {
  private static final Path SOCKET = Path.of("/run/user/1001/usernetes-identity/agent.sock");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path bundle;

  /** The config's linux.seccomp after the rules, and the warnings. */
  private record Result(JsonNode seccomp, List<String> warnings) {}

  private Result applied(String seccomp) throws Exception {
    Files.writeString(bundle.resolve("config.json"), "{\"root\":{\"path\":\"rootfs\"},\"linux\":{"
        + (seccomp.isEmpty() ? "" : "\"seccomp\":" + seccomp) + "}}");
    BundleConfig config = BundleConfig.read(bundle);
    List<String> warnings = NotifyRules.apply(config, SOCKET);
    config.write();
    return new Result(JSON.readTree(bundle.resolve("config.json").toFile()).path("linux").path("seccomp"), warnings);
  }

  private static List<String> names(JsonNode rule) {
    List<String> names = new ArrayList<>();
    rule.path("names").forEach(n -> names.add(n.asText()));
    return names;
  }

  private static List<String> notified(JsonNode seccomp) {
    List<String> all = new ArrayList<>();
    for (JsonNode rule : seccomp.path("syscalls")) {
      if (rule.path("action").asText().equals("SCMP_ACT_NOTIFY")) {
        all.addAll(names(rule));
      }
    }
    return all;
  }

  @Test
  void aContainerWithoutAProfileGetsTheSupervisorsOwn() throws Exception {
    Result r = applied("");
    assertEquals("SCMP_ACT_ALLOW", r.seccomp().path("defaultAction").asText());
    List<String> all = new ArrayList<>(NotifyRules.ID_CALLS);
    all.addAll(NotifyRules.NAMESPACE_CALLS);
    assertEquals(all, notified(r.seccomp()));
    assertEquals(SOCKET.toString(), r.seccomp().path("listenerPath").asText());
    assertEquals("profile=usernetes-identity-v1\nNAMESPACE_CALLS=notified", r.seccomp().path("listenerMetadata").asText());
    assertEquals(List.of(), r.warnings());
  }

  @Test
  void anAllowListKeepsEverythingElseAndLosesTheNotifiedCalls() throws Exception {
    Result r = applied("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
        + "{\"names\":[\"read\",\"getuid\",\"unshare\",\"setns\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"},"
        + "{\"names\":[\"getgroups\"],\"action\":\"SCMP_ACT_ALLOW\"},"
        + "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]}]}");
    JsonNode rules = r.seccomp().path("syscalls");
    assertEquals(List.of("read", "write"), names(rules.get(0)), "each call has one action");
    assertEquals(List.of("personality"), names(rules.get(1)), "a rule left with no call goes; the others stay");
    assertEquals("SCMP_ACT_ERRNO", r.seccomp().path("defaultAction").asText());
    assertTrue(notified(r.seccomp()).containsAll(List.of("getuid", "getgroups", "unshare", "setns")));
    assertTrue(r.seccomp().path("listenerMetadata").asText().endsWith("NAMESPACE_CALLS=notified"));
  }

  @Test
  void namespaceCallsTheProfileRestrictsAreNeverNotified() throws Exception {
    // unshare only with args; setns not named under a default of deny: the supervisor would let them run
    for (String profile : List.of(
        "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"getuid\",\"setns\"],\"action\":\"SCMP_ACT_ALLOW\"},"
            + "{\"names\":[\"unshare\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]}]}",
        "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"getuid\",\"unshare\"],\"action\":\"SCMP_ACT_ALLOW\"}]}")) {
      Result r = applied(profile);
      assertEquals(NotifyRules.ID_CALLS, notified(r.seccomp()), profile);
      assertEquals("profile=usernetes-identity-v1", r.seccomp().path("listenerMetadata").asText(), "no promise");
      assertTrue(r.warnings().get(0).startsWith("unshare and setns are not notified"), r.warnings().toString());
      assertTrue(r.seccomp().toString().contains("unshare"), "its rule is left as it was");
    }
  }

  @Test
  void anotherListenerIsLeftAloneAndTheAdministratorsMetadataKept() throws Exception {
    Result other = applied("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/run/other.sock\"}");
    assertEquals("/run/other.sock", other.seccomp().path("listenerPath").asText());
    assertEquals(List.of(), notified(other.seccomp()));
    assertTrue(other.warnings().get(0).contains("has a listener already (/run/other.sock)"), other.warnings().toString());

    Result ours = applied("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerMetadata\":\"UID=60000\\nGID=60000\"}");
    assertEquals("UID=60000\nGID=60000\nprofile=usernetes-identity-v1\nNAMESPACE_CALLS=notified",
        ours.seccomp().path("listenerMetadata").asText());
  }
}
