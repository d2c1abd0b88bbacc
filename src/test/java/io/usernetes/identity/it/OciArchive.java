package io.usernetes.identity.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;

/**
 * An OCI image archive of one uncompressed layer, made from a root directory with GNU tar (owners
 * as numbers, xattrs kept): what {@code ctr image import} and {@code identity-map convert-image}
 * read, without a registry.
 */
final class OciArchive {
  private OciArchive() {}

  /** The layer of {@code root}, made once: pax headers carry access times, so every tar differs. */
  static Path layer(Path root, Path out) throws Exception {
    Sh.ok("tar --numeric-owner --xattrs --xattrs-include='*' --sort=name -C " + root + " -cf " + out + " .");
    return out;
  }

  /** Writes {@code out}: image {@code name} of the one {@code layer}, run as {@code user} if given. */
  static Path write(Path layer, Path out, String name, Optional<String> user) throws Exception {
    Path layout = Files.createTempDirectory(out.getParent(), "layout.");
    Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
    String layerDigest = store(blobs, Files.readAllBytes(layer));
    ObjectMapper json = new ObjectMapper();
    ObjectNode config = json.createObjectNode().put("architecture", "amd64").put("os", "linux");
    ObjectNode runConfig = config.putObject("config");
    runConfig.putArray("Cmd").add("/bin/sh");
    user.ifPresent(u -> runConfig.put("User", u));
    config.putObject("rootfs").put("type", "layers").putArray("diff_ids").add(layerDigest);
    byte[] configBytes = json.writeValueAsBytes(config);
    ObjectNode manifest = json.createObjectNode().put("schemaVersion", 2)
        .put("mediaType", "application/vnd.oci.image.manifest.v1+json");
    manifest.putObject("config").put("mediaType", "application/vnd.oci.image.config.v1+json")
        .put("digest", store(blobs, configBytes)).put("size", configBytes.length);
    manifest.putArray("layers").addObject().put("mediaType", "application/vnd.oci.image.layer.v1.tar")
        .put("digest", layerDigest).put("size", Files.size(blobs.resolve(layerDigest.substring(7))));
    byte[] manifestBytes = json.writeValueAsBytes(manifest);
    ObjectNode index = json.createObjectNode().put("schemaVersion", 2);
    index.putArray("manifests").addObject().put("mediaType", "application/vnd.oci.image.manifest.v1+json")
        .put("digest", store(blobs, manifestBytes)).put("size", manifestBytes.length)
        .putObject("annotations").put("io.containerd.image.name", name).put("org.opencontainers.image.ref.name", name);
    Files.write(layout.resolve("index.json"), json.writeValueAsBytes(index));
    Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    Sh.ok("tar -C " + layout + " -cf " + out + " oci-layout index.json blobs && rm -rf " + layout + " && chmod a+r " + out);
    return out;
  }

  private static String store(Path blobs, byte[] content) throws Exception {
    String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    Files.write(blobs.resolve(hex), content);
    return "sha256:" + hex;
  }
}
