package io.usernetes.identity.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * OCI bundles for runc and crun without a registry: a busybox-static rootfs whose /etc/passwd
 * declares the site user 60000 (whose pool id is 1633 under the default map), and a config from
 * {@code runc spec} with the process started as uid/gid 1633 (supplementary group 1633) and a seccomp section that sends the
 * identity calls to a {@code listenerPath}.
 */
final class OciBundles {
  static final String[] APPLETS = {"sh", "id", "sleep", "cat", "true", "whoami"};
  static final List<String> NOTIFIED = List.of("getuid", "geteuid", "getgid", "getegid", "getresuid",
      "getresgid", "getgroups", "getuid32", "geteuid32", "getgid32", "getegid32", "getresuid32",
      "getresgid32", "getgroups32");

  private OciBundles() {}

  static Path rootfs(Path dir) throws IOException {
    Path root = dir.resolve("rootfs");
    Files.createDirectories(root.resolve("bin"));
    Files.createDirectories(root.resolve("etc"));
    for (String d : List.of("proc", "dev", "sys", "tmp")) {
      Files.createDirectories(root.resolve(d));
    }
    Files.copy(Path.of("/bin/busybox"), root.resolve("bin/busybox"));
    for (String applet : APPLETS) {
      Files.createSymbolicLink(root.resolve("bin").resolve(applet), Path.of("busybox"));
    }
    Files.writeString(root.resolve("etc/passwd"),
        "root:x:0:0:root:/root:/bin/sh\nsite:x:60000:60000:site user:/tmp:/bin/sh\n"
            + "nobody:x:65534:65534:nobody:/:/bin/false\n");
    Files.writeString(root.resolve("etc/group"), "root:x:0:\nsite:x:60000:\nnogroup:x:65534:\n");
    return root;
  }

  /** A bundle at {@code dir} sharing {@code rootfs} (read-only), running {@code args}. */
  static Path bundle(Path dir, Path rootfs, Path socket, String metadata, String... args)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Process spec = new ProcessBuilder("runc", "spec").directory(dir.toFile()).inheritIO().start();
    if (spec.waitFor() != 0) {
      throw new IllegalStateException("runc spec failed");
    }
    ObjectMapper json = new ObjectMapper();
    ObjectNode config = (ObjectNode) json.readTree(dir.resolve("config.json").toFile());
    ((ObjectNode) config.get("root")).put("path", rootfs.toString()).put("readonly", true);
    ObjectNode process = (ObjectNode) config.get("process");
    process.put("terminal", false);
    ArrayNode argv = process.putArray("args");
    for (String a : args) {
      argv.add(a);
    }
    ObjectNode user = ((ObjectNode) process.get("user")).put("uid", 1633).put("gid", 1633);
    user.putArray("additionalGids").add(1633); // getgroups: answered by writing into the caller
    ObjectNode seccomp = ((ObjectNode) config.get("linux")).putObject("seccomp");
    seccomp.put("defaultAction", "SCMP_ACT_ALLOW");
    seccomp.putArray("architectures").add("SCMP_ARCH_X86_64").add("SCMP_ARCH_X86").add("SCMP_ARCH_X32");
    seccomp.put("listenerPath", socket.toString());
    if (metadata != null) {
      seccomp.put("listenerMetadata", metadata);
    }
    ObjectNode rule = seccomp.putArray("syscalls").addObject();
    NOTIFIED.forEach(rule.putArray("names")::add);
    rule.put("action", "SCMP_ACT_NOTIFY");
    json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), config);
    return dir;
  }

  /**
   * Gives the container a user namespace of its own with the same uid and gid map, one
   * {@code {containerID, hostID, size}} triple after another.
   */
  static void withUserNamespace(Path bundle, long... triples) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode config = (ObjectNode) json.readTree(bundle.resolve("config.json").toFile());
    ObjectNode linux = (ObjectNode) config.get("linux");
    ((ArrayNode) linux.get("namespaces")).addObject().put("type", "user");
    for (String kind : List.of("uidMappings", "gidMappings")) {
      ArrayNode map = linux.putArray(kind);
      for (int i = 0; i < triples.length; i += 3) {
        map.addObject().put("containerID", triples[i]).put("hostID", triples[i + 1]).put("size", triples[i + 2]);
      }
    }
    json.writerWithDefaultPrettyPrinter().writeValue(bundle.resolve("config.json").toFile(), config);
  }

  /** Runs the bundle's process as {@code uid}:{@code gid}, that gid its one supplementary group. */
  static void withUser(Path bundle, long uid, long gid) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode config = (ObjectNode) json.readTree(bundle.resolve("config.json").toFile());
    ObjectNode user = ((ObjectNode) config.get("process").get("user")).put("uid", uid).put("gid", gid);
    user.putArray("additionalGids").add(gid);
    json.writerWithDefaultPrettyPrinter().writeValue(bundle.resolve("config.json").toFile(), config);
  }

  /** Replaces a bundle's seccomp section with a profile file, its listenerPath pointed at {@code socket}. */
  static void useProfile(Path bundle, Path profile, Path socket) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode config = (ObjectNode) json.readTree(bundle.resolve("config.json").toFile());
    ObjectNode seccomp = (ObjectNode) json.readTree(profile.toFile());
    seccomp.put("listenerPath", socket.toString());
    ((ObjectNode) config.get("linux")).set("seccomp", seccomp);
    json.writerWithDefaultPrettyPrinter().writeValue(bundle.resolve("config.json").toFile(), config);
  }
}
