package io.usernetes.identity.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The one image an archive holds: its name, config and layers (bottom first). An OCI layout's
 * index may name an image index (a multi-platform image): its manifest for this machine's
 * platform is taken.
 */
record SourceImage(Optional<String> name, Path config, List<Path> layers) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static SourceImage find(ImageArchive archive) throws IOException {
    Optional<Path> index = archive.file("index.json");
    if (index.isPresent()) {
      return fromOciLayout(archive, JSON.readTree(index.get().toFile()));
    }
    Optional<Path> manifest = archive.file("manifest.json");
    if (manifest.isPresent()) {
      return fromDockerArchive(archive, JSON.readTree(manifest.get().toFile()));
    }
    throw new IOException("neither an OCI layout (index.json) nor a docker archive (manifest.json)");
  }

  private static SourceImage fromOciLayout(ImageArchive archive, JsonNode index) throws IOException {
    JsonNode manifests = index.path("manifests");
    if (manifests.size() != 1) {
      throw new IOException("the archive's index.json names " + manifests.size() + " images; convert one at a time");
    }
    JsonNode top = manifests.get(0);
    JsonNode annotations = top.path("annotations");
    String name = annotations.path("io.containerd.image.name").asText(
        annotations.path("org.opencontainers.image.ref.name").asText(""));
    JsonNode descriptor = top;
    if (isIndex(top.path("mediaType").asText())) {
      descriptor = forThisPlatform(JSON.readTree(blob(archive, top).toFile()).path("manifests"));
    }
    JsonNode manifest = JSON.readTree(blob(archive, descriptor).toFile());
    List<Path> layers = new ArrayList<>();
    for (JsonNode layer : manifest.path("layers")) {
      String type = layer.path("mediaType").asText();
      if (type.contains("nondistributable") || type.contains("foreign")) {
        throw new IOException("layer " + layer.path("digest").asText() + " is " + type
            + ": its content is not in the archive");
      }
      layers.add(blob(archive, layer));
    }
    // a bare tag ("1.0") is not a name to give the converted image
    return new SourceImage(name.contains("/") || name.contains(":") ? Optional.of(name) : Optional.empty(),
        blob(archive, manifest.path("config")), layers);
  }

  private static SourceImage fromDockerArchive(ImageArchive archive, JsonNode manifest) throws IOException {
    if (manifest.size() != 1) {
      throw new IOException("the archive's manifest.json names " + manifest.size() + " images; convert one at a time");
    }
    JsonNode image = manifest.get(0);
    List<Path> layers = new ArrayList<>();
    for (JsonNode layer : image.path("Layers")) {
      layers.add(archive.require(layer.asText()));
    }
    String name = image.path("RepoTags").path(0).asText("");
    return new SourceImage(name.isEmpty() ? Optional.empty() : Optional.of(name),
        archive.require(image.path("Config").asText()), layers);
  }

  private static boolean isIndex(String mediaType) {
    return mediaType.endsWith("image.index.v1+json") || mediaType.endsWith("manifest.list.v2+json");
  }

  private static JsonNode forThisPlatform(JsonNode manifests) throws IOException {
    String arch = switch (System.getProperty("os.arch").toLowerCase(Locale.ROOT)) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      default -> System.getProperty("os.arch");
    };
    for (JsonNode m : manifests) {
      if (m.path("platform").path("os").asText().equals("linux")
          && m.path("platform").path("architecture").asText().equals(arch)) {
        return m;
      }
    }
    throw new IOException("the image index has no manifest for linux/" + arch);
  }

  /** The blob a descriptor names: {@code blobs/ALGORITHM/HEX}. */
  private static Path blob(ImageArchive archive, JsonNode descriptor) throws IOException {
    String digest = descriptor.path("digest").asText();
    int colon = digest.indexOf(':');
    if (colon <= 0 || !digest.substring(colon + 1).matches("[0-9a-f]{32,128}")) {
      throw new IOException("malformed digest \"" + digest + "\" in the archive's index");
    }
    return archive.require("blobs/" + digest.substring(0, colon) + "/" + digest.substring(colon + 1));
  }
}
