package io.usernetes.identity.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.usernetes.identity.idmap.IdMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bundle's config gets the sparse user namespace its image and process need (no runtime run). */
class ContainerNamespaceTest {
  private static final String CONFIG = "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},"
      + "\"process\":{\"user\":{\"uid\":60000,\"gid\":60000,\"additionalGids\":[100]},\"args\":[\"id\"]},"
      + "\"mounts\":[{\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"options\":[\"nosuid\",\"gid=5\",\"mode=620\"]}],"
      + "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"}%s]%s}}";

  @TempDir Path bundle;

  @BeforeEach
  void image() throws Exception {
    Path etc = Files.createDirectories(bundle.resolve("rootfs/etc"));
    Files.writeString(etc.resolve("passwd"), "root:x:0:0::/root:/bin/sh\nsvc:x:1000:1000::/srv:/bin/sh\n"
        + "bob:x:1428:1428::/home/bob:/bin/sh\nalice:x:60000:60000::/home/alice:/bin/sh\n"
        + "nobody:x:65534:65534::/:/bin/false\n");
    Files.writeString(etc.resolve("group"), "root:x:0:\nsvc:x:1000:\nusers:x:100:\nalice:x:60000:\n");
  }

  private JsonNode applied(String namespaces, String linuxExtra) throws Exception {
    Files.writeString(bundle.resolve("config.json"), String.format(CONFIG, namespaces, linuxExtra));
    BundleConfig config = BundleConfig.read(bundle);
    ContainerNamespace.Applied a = ContainerNamespace.apply(config, IdMap.defaultMap(), IdMap.defaultMap()).orElseThrow();
    config.write();
    assertTrue(a.warnings().stream().anyMatch(w -> w.startsWith("uid 60000 (alice) shares pool id 1633 with 1428 (bob)")),
        a.warnings().toString());
    return new ObjectMapper().readTree(bundle.resolve("config.json").toFile()).get("linux");
  }

  private static List<String> lines(JsonNode mappings) {
    List<String> lines = new ArrayList<>();
    for (JsonNode m : mappings) {
      lines.add(m.get("containerID") + " " + m.get("hostID") + " " + m.get("size"));
    }
    return lines;
  }

  @Test
  void theImagesUsersAndTheProcessKeepTheirPoolIdsAndDevptsItsGroup() throws Exception {
    JsonNode linux = applied("", "");
    assertEquals("user", linux.get("namespaces").get(2).get("type").asText());
    assertEquals(List.of("0 0 1", "1000 1520 1", "1428 1633 1", "60000 1634 1", "65534 2000 1"),
        lines(linux.get("uidMappings")), "alice (60000) shares 1633 with bob (1428) and moves to 1634");
    List<String> gids = lines(linux.get("gidMappings"));
    assertTrue(gids.contains("60000 1633 1") && gids.contains("5 1237 1") && gids.contains("100 " + IdMap.defaultMap().toHost(100) + " 1"),
        gids.toString());
  }

  @Test
  void aConfigWithAUserNamespaceIsComposedWith() throws Exception {
    JsonNode linux = applied(",{\"type\":\"user\"}", ",\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":2001}],"
        + "\"gidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":2001}]");
    long userNamespaces = 0;
    for (JsonNode n : linux.get("namespaces")) {
      userNamespaces += n.get("type").asText().equals("user") ? 1 : 0;
    }
    assertEquals(1, userNamespaces, "the config's own user namespace, not a second one");
    // the pool ids are ids of the config's container side: 1633 is its 1634
    assertEquals(List.of("0 1 1", "1000 1521 1", "1428 1634 1", "60000 1635 1", "65534 2001 1"),
        lines(linux.get("uidMappings")));
  }

  @Test
  void anImageWhosePasswdLeadsOutOfItsRootDeclaresNothing() throws Exception {
    Path passwd = bundle.resolve("rootfs/etc/passwd");
    Files.delete(passwd);
    Files.createSymbolicLink(passwd, Path.of("/etc/passwd"));
    Files.writeString(bundle.resolve("config.json"), String.format(CONFIG, "", ""));
    BundleConfig config = BundleConfig.read(bundle);
    ContainerNamespace.Applied a = ContainerNamespace.apply(config, IdMap.defaultMap(), IdMap.defaultMap()).orElseThrow();
    assertTrue(a.warnings().contains("/etc/passwd is a symlink, ignored"), a.warnings().toString());
    assertEquals("0 0 1\n60000 1633 1", a.uids().toString().strip(), "only what the container needs");
  }

  @Test
  void aBundleRunAgainKeepsTheMapsItGot() throws Exception {
    JsonNode first = applied("", "");
    BundleConfig again = BundleConfig.read(bundle);
    assertTrue(again.sparseNamespaceAdded());
    assertTrue(ContainerNamespace.apply(again, IdMap.defaultMap(), IdMap.defaultMap()).isEmpty(),
        "composing the maps with themselves would leave every id out");
    assertEquals(first, new ObjectMapper().readTree(bundle.resolve("config.json").toFile()).get("linux"));
  }

  @Test
  void anAnnotationWhoeverRunsTheContainerSetsDoesNotSkipTheNamespace() throws Exception {
    // podman --annotation, or a pod's metadata: the marker is believed only as the maps' digest
    String config = String.format(CONFIG, "", "");
    Files.writeString(bundle.resolve("config.json"), config.substring(0, config.length() - 1)
        + ",\"annotations\":{\"usernetes.io/sparse-userns\":\"identity-runtime\"}}");
    BundleConfig forged = BundleConfig.read(bundle);
    assertTrue(!forged.sparseNamespaceAdded());
    ContainerNamespace.Applied a = ContainerNamespace.apply(forged, IdMap.defaultMap(), IdMap.defaultMap()).orElseThrow();
    assertEquals("0 0 1\n1000 1520 1\n1428 1633 1\n60000 1634 1\n65534 2000 1\n", a.uids().toString());
  }

  private JsonNode podContainer(String joined) throws Exception {
    Files.writeString(bundle.resolve("config.json"), "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},"
        + "\"process\":{\"user\":{\"uid\":60000,\"gid\":60000},\"args\":[\"id\"]},\"mounts\":["
        + "{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\",\"source\":\"mqueue\",\"options\":[\"nosuid\"]},"
        + "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\":[\"nosuid\",\"ro\"]}],"
        + "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}" + joined + "]}}");
    BundleConfig config = BundleConfig.read(bundle);
    ContainerNamespace.apply(config, IdMap.defaultMap(), IdMap.defaultMap()).orElseThrow();
    config.write();
    return new ObjectMapper().readTree(bundle.resolve("config.json").toFile()).get("mounts");
  }

  @Test
  void aContainerOfAPodLeavesOutTheMountsOfTheNamespacesItJoins() throws Exception {
    JsonNode mounts = podContainer(",{\"type\":\"ipc\",\"path\":\"/proc/42/ns/ipc\"},"
        + "{\"type\":\"network\",\"path\":\"/var/run/netns/cni-1\"}");
    assertEquals(1, mounts.size(), "no mqueue: its IPC namespace is another user namespace's\n" + mounts);
    JsonNode sys = mounts.get(0);
    assertEquals("/sys", sys.get("destination").asText());
    assertEquals("bind", sys.get("type").asText(), "sysfs of a network namespace it does not own cannot be mounted");
    assertEquals("/sys", sys.get("source").asText());
    assertEquals("[\"rbind\",\"nosuid\",\"noexec\",\"nodev\",\"ro\"]", sys.get("options").toString());
  }

  @Test
  void aContainerWithNamespacesOfItsOwnKeepsItsMounts() throws Exception {
    JsonNode mounts = podContainer(",{\"type\":\"ipc\"},{\"type\":\"network\"}");
    assertEquals("mqueue", mounts.get(0).get("type").asText());
    assertEquals("sysfs", mounts.get(1).get("type").asText());
  }

  @Test
  void aSharedProcessNamespaceIsRefused() throws Exception {
    java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
        () -> podContainer(",{\"type\":\"pid\",\"path\":\"/proc/42/ns/pid\"}"));
    assertTrue(e.getMessage().contains("shareProcessNamespace"), e.getMessage());
  }
}
