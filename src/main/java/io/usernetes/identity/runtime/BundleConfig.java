package io.usernetes.identity.runtime;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.Collectors;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.usernetes.identity.idmap.Ids;
import io.usernetes.identity.userns.IdMappingLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * An OCI bundle's {@code config.json}, as far as a container's user namespace concerns it: the
 * root file system, the process's user, the ids its mounts name, and the user namespace with its
 * maps. Written back in one step (a new file renamed over the old), so a runtime never reads half
 * of it.
 */
public final class BundleConfig {
  /** The annotation that says identity-runtime gave this config its namespace already. */
  static final String ADDED = "usernetes.io/sparse-userns";
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Larger configs are not OCI configs a runtime would read either. */
  private static final long MAX_SIZE = 16 << 20;

  private final Path file;
  private final ObjectNode config;

  private BundleConfig(Path file, ObjectNode config) {
    this.file = file;
    this.config = config;
  }

  /** @throws IOException naming the file when it cannot be read or is not an OCI config */
  public static BundleConfig read(Path bundle) throws IOException {
    Path file = bundle.resolve("config.json");
    if (Files.size(file) > MAX_SIZE) {
      throw new IOException(file + ": larger than " + (MAX_SIZE >> 20) + " MiB");
    }
    JsonNode tree;
    try {
      tree = JSON.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw new IOException(file + ": not JSON (" + e.getOriginalMessage() + ")");
    }
    if (!(tree instanceof ObjectNode o) || !o.path("root").path("path").isTextual()) {
      throw new IOException(file + ": not an OCI runtime config (no root.path)");
    }
    return new BundleConfig(file, o);
  }

  /** The root file system: {@code root.path}, relative to the bundle unless absolute. */
  public Path rootfs() {
    return file.getParent().resolve(config.path("root").path("path").asText());
  }

  /** The process's uid ({@code process.user.uid}), if the config names one. */
  public OptionalLong processUid() {
    return id(config.path("process").path("user").path("uid"));
  }

  /** The process's gids: {@code process.user.gid} and {@code additionalGids}. */
  public Set<Long> processGids() {
    Set<Long> gids = new TreeSet<>();
    JsonNode user = config.path("process").path("user");
    id(user.path("gid")).ifPresent(gids::add);
    for (JsonNode g : user.path("additionalGids")) {
      id(g).ifPresent(gids::add);
    }
    return gids;
  }

  /** The ids the mounts' options name ({@code uid=N}, {@code gid=N}: devpts's {@code gid=5}). */
  public Set<Long> mountIds(String option) {
    Set<Long> ids = new TreeSet<>();
    for (JsonNode m : config.path("mounts")) {
      for (JsonNode o : m.path("options")) {
        String text = o.asText();
        if (text.startsWith(option + "=")) {
          Ids.parse(text.substring(option.length() + 1)).ifPresent(ids::add);
        }
      }
    }
    return ids;
  }

  /** The config's own user namespace maps ({@code linux.uidMappings} or {@code gidMappings}), if any. */
  public Optional<List<IdMappingLine>> mappings(String kind) {
    JsonNode list = config.path("linux").path(kind);
    if (!hasUserNamespace() || !list.isArray() || list.isEmpty()) {
      return Optional.empty();
    }
    List<IdMappingLine> lines = new ArrayList<>();
    for (JsonNode m : list) {
      OptionalLong c = id(m.path("containerID"));
      OptionalLong h = id(m.path("hostID"));
      OptionalLong s = id(m.path("size"));
      if (c.isPresent() && h.isPresent() && s.isPresent()) {
        lines.add(new IdMappingLine(c.getAsLong(), h.getAsLong(), s.getAsLong()));
      }
    }
    return Optional.of(lines);
  }

  private boolean hasUserNamespace() {
    for (JsonNode n : config.path("linux").path("namespaces")) {
      if (n.path("type").asText().equals("user")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@link #setUserNamespace} made the maps the config has: a bundle run again keeps them.
   * Annotations come from whoever runs the container ({@code podman --annotation}, a pod's
   * metadata), so the annotation alone proves nothing: it must be the digest of these very maps.
   */
  public boolean sparseNamespaceAdded() {
    Optional<List<IdMappingLine>> uids = mappings("uidMappings");
    Optional<List<IdMappingLine>> gids = mappings("gidMappings");
    return uids.isPresent() && gids.isPresent()
        && config.path("annotations").path(ADDED).asText("").equals(digest(uids.get(), gids.get()));
  }

  /** {@code sha256:HEX} of the maps, line by line. */
  private static String digest(List<IdMappingLine> uids, List<IdMappingLine> gids) {
    String text = "uid\n" + uids.stream().map(l -> l + "\n").collect(Collectors.joining())
        + "gid\n" + gids.stream().map(l -> l + "\n").collect(Collectors.joining());
    try {
      return "sha256:" + HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /**
   * Gives the container a user namespace of its own (if it has none) with these maps, and says so
   * in an annotation bound to them ({@link #sparseNamespaceAdded}).
   */
  public void setUserNamespace(List<IdMappingLine> uids, List<IdMappingLine> gids) {
    config.withObjectProperty("annotations").put(ADDED, digest(uids, gids));
    ObjectNode linux = config.withObjectProperty("linux");
    if (!hasUserNamespace()) {
      ArrayNode namespaces = linux.has("namespaces") && linux.get("namespaces").isArray()
          ? (ArrayNode) linux.get("namespaces") : linux.putArray("namespaces");
      namespaces.addObject().put("type", "user");
    }
    put(linux.putArray("uidMappings"), uids);
    put(linux.putArray("gidMappings"), gids);
  }

  /** The types of the namespaces the config joins ({@code path} set): a pod's shared ones. */
  public Set<String> joinedNamespaces() {
    Set<String> joined = new TreeSet<>();
    for (JsonNode n : config.path("linux").path("namespaces")) {
      if (!n.path("path").asText("").isEmpty()) {
        joined.add(n.path("type").asText());
      }
    }
    return joined;
  }

  /** Drops the mounts of file system {@code type}. */
  public void removeMounts(String type) {
    for (Iterator<JsonNode> it = config.path("mounts").iterator(); it.hasNext(); ) {
      if (it.next().path("type").asText().equals(type)) {
        it.remove();
      }
    }
  }

  /** Makes every {@code sysfs} mount a read-only recursive bind of the runtime's own /sys. */
  public void bindSysfs() {
    for (JsonNode m : config.path("mounts")) {
      if (m instanceof ObjectNode mount && mount.path("type").asText().equals("sysfs")) {
        mount.put("type", "bind").put("source", "/sys");
        mount.putArray("options").add("rbind").add("nosuid").add("noexec").add("nodev").add("ro");
      }
    }
  }

  /** {@code linux.seccomp}, created (empty) if the config has none; edited in place. */
  ObjectNode seccomp() {
    return config.withObjectProperty("linux").withObjectProperty("seccomp");
  }

  /** Whether the config has a {@code linux.seccomp} profile. */
  boolean hasSeccomp() {
    return config.path("linux").path("seccomp").isObject();
  }

  private static void put(ArrayNode array, List<IdMappingLine> lines) {
    for (IdMappingLine m : lines) {
      array.addObject().put("containerID", m.containerId()).put("hostID", m.hostId()).put("size", m.size());
    }
  }

  /** Writes the config back: a new file beside it, renamed over it. */
  public void write() throws IOException {
    Path tmp = Files.createTempFile(file.getParent(), ".config.json.", ".tmp");
    try {
      Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(file));
      JSON.writeValue(tmp.toFile(), config);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static OptionalLong id(JsonNode n) {
    return n.isIntegralNumber() && n.canConvertToLong() && n.asLong() >= 0 && n.asLong() <= 0xffff_fffeL
        ? OptionalLong.of(n.asLong()) : OptionalLong.empty();
  }
}
