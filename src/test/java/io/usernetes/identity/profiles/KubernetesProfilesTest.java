package io.usernetes.identity.profiles;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The Kubernetes, containerd and Usernetes profiles agree with each other and with the seccomp profile. */
class KubernetesProfilesTest {
  private static final Path PROFILES = Path.of("profiles");
  private static final Path SECCOMP = PROFILES.resolve("seccomp/identity-notify.json");
  private static final String PREFIX = "/opt/usernetes-identity";

  private static List<Object> yaml(String file) throws Exception {
    try (Reader in = Files.newBufferedReader(PROFILES.resolve(file), UTF_8)) {
      List<Object> documents = new ArrayList<>();
      new Yaml().loadAll(in).forEach(documents::add);
      return documents;
    }
  }

  /** The value at PATH: map keys and list indices. */
  private static Object at(Object node, Object... path) {
    for (Object key : path) {
      node = key instanceof Integer i ? ((List<?>) node).get(i) : ((Map<?, ?>) node).get(key);
    }
    return node;
  }

  /** The element of LIST whose name is NAME. */
  private static Map<?, ?> named(Object list, String name) {
    return ((List<?>) list).stream().map(e -> (Map<?, ?>) e).filter(e -> name.equals(e.get("name"))).findFirst()
        .orElseThrow(() -> new AssertionError("no element named " + name + " in " + list));
  }

  private static Object kind(String file, String kind) throws Exception {
    return yaml(file).stream().filter(d -> kind.equals(at(d, "kind"))).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " in " + file));
  }

  private static Object podSpec() throws Exception {
    return at(kind("kubernetes/identity-supervisor.yaml", "DaemonSet"), "spec", "template", "spec");
  }

  private static Map<?, ?> supervisor() throws Exception {
    return named(at(podSpec(), "containers"), "identity-supervisor");
  }

  /** Where a container path lies on the node, through the hostPath volume mounted above it. */
  private static String onNode(Object spec, Map<?, ?> container, String path) {
    for (Object m : (List<?>) container.get("volumeMounts")) {
      String mountPath = (String) at(m, "mountPath");
      if (path.equals(mountPath) || path.startsWith(mountPath + "/")) {
        Object volume = named(at(spec, "volumes"), (String) at(m, "name"));
        return at(volume, "hostPath", "path") + path.substring(mountPath.length());
      }
    }
    throw new AssertionError(path + " is on no volume of " + container.get("name"));
  }

  private static String listenerPath() throws Exception {
    return new ObjectMapper().readTree(SECCOMP.toFile()).path("listenerPath").asText();
  }

  private static JsonNode containerdRuntimes() throws Exception {
    return new TomlMapper().readTree(PROFILES.resolve("containerd/config.toml").toFile())
        .path("plugins").path("io.containerd.grpc.v1.cri").path("containerd").path("runtimes");
  }

  private static Object pod() throws Exception {
    return kind("kubernetes/pod-example.yaml", "Pod");
  }

  private static String runtimeHandler() throws Exception {
    return (String) at(kind("kubernetes/runtime-class.yaml", "RuntimeClass"), "handler");
  }

  @Test
  void theConfigMapHoldsTheSeccompProfileByteForByte() throws Exception {
    Object configMap = kind("kubernetes/identity-supervisor.yaml", "ConfigMap");
    assertEquals("usernetes-identity-profile", at(configMap, "metadata", "name"));
    assertArrayEquals(Files.readAllBytes(SECCOMP), ((String) at(configMap, "data", "identity-notify.json")).getBytes(UTF_8));
  }

  @Test
  void theSupervisorSeesTheNodesPids() throws Exception {
    assertEquals(true, at(podSpec(), "hostPID"));
  }

  @Test
  void theSocketDirectoryIsTheNodesAtTheSamePath() throws Exception {
    String dir = Path.of(listenerPath()).getParent().toString();
    assertEquals(dir, onNode(podSpec(), supervisor(), dir));
  }

  @Test
  void serveListensOnTheProfilesListenerPath() throws Exception {
    List<?> command = (List<?>) supervisor().get("command");
    assertEquals("serve", command.get(1));
    assertEquals(listenerPath(), command.get(command.indexOf("--socket") + 1));
  }

  @Test
  void theInitContainerWritesTheProfileThePodExampleNames() throws Exception {
    Object spec = podSpec();
    Map<?, ?> init = named(at(spec, "initContainers"), "install-profile");
    List<?> args = (List<?>) init.get("args");
    String target = (String) args.get(args.size() - 1);
    assertEquals("/var/lib/kubelet/seccomp/" + at(pod(), "spec", "securityContext", "seccompProfile", "localhostProfile"),
        onNode(spec, init, target));
  }

  @Test
  void thePodExampleRunsUnderTheRuntimeClass() throws Exception {
    assertEquals(at(kind("kubernetes/runtime-class.yaml", "RuntimeClass"), "metadata", "name"),
        at(pod(), "spec", "runtimeClassName"));
  }

  @Test
  void theRuntimeClassHandlerIsAContainerdRuntime() throws Exception {
    JsonNode runtime = containerdRuntimes().path(runtimeHandler());
    assertEquals("io.containerd.runc.v2", runtime.path("runtime_type").asText(), "runtime " + runtimeHandler());
  }

  @Test
  void theContainerdRuntimeExecsIdentityRuntime() throws Exception {
    String binary = containerdRuntimes().path(runtimeHandler()).path("options").path("BinaryName").asText();
    assertTrue(binary.endsWith("/bin/identity-runtime"), binary);
  }

  @Test
  void thePodExampleRunsAsTrueIds() throws Exception {
    Object securityContext = at(pod(), "spec", "securityContext");
    assertEquals(60000, at(securityContext, "runAsUser"));
    assertEquals(60000, at(securityContext, "runAsGroup"));
  }

  @Test
  void theInstallationIsAtTheSamePathOnHostNodeAndSupervisor() throws Exception {
    List<?> volumes = (List<?>) at(yaml("usernetes/docker-compose.override.yaml").get(0), "services", "node", "volumes");
    assertTrue(volumes.contains(PREFIX + ":" + PREFIX + ":ro"), volumes.toString());
    assertEquals(PREFIX, onNode(podSpec(), supervisor(), PREFIX));
    assertTrue(((String) at(supervisor(), "command", 0)).startsWith(PREFIX + "/bin/"));
    assertTrue(containerdRuntimes().path(runtimeHandler()).path("options").path("BinaryName").asText().startsWith(PREFIX + "/bin/"));
  }

  @Test
  void theComposeOverrideMountsTheSocketDirectoryWhereRuncLooks() throws Exception {
    List<?> volumes = (List<?>) at(yaml("usernetes/docker-compose.override.yaml").get(0), "services", "node", "volumes");
    String dir = Path.of(listenerPath()).getParent().toString();
    assertTrue(volumes.contains("${XDG_RUNTIME_DIR}/usernetes-identity:" + dir), volumes.toString());
  }
}
