package io.usernetes.identity.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The one image an archive holds: its name, config and layers (bottom first). An OCI layout's
 * index may name an image index (a multi-platform image): its manifest for this machine's
 * platform is taken.
 */
record SourceImage(Optional<String> name, ImageArchive.Member config, List<ImageArchive.Member> layers) {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Configs of images with long histories reach a few hundred KiB; 16 MiB is no image's. */
  private static final long MAX_JSON = 16 << 20;

  static SourceImage find(ImageArchive archive) throws IOException {
    Optional<ImageArchive.Member> index = archive.file("index.json");
    if (index.isPresent()) {
      return fromOciLayout(archive, json(index.get()));
    }
    Optional<ImageArchive.Member> manifest = archive.file("manifest.json");
    if (manifest.isPresent()) {
      return fromDockerArchive(archive, json(manifest.get()));
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
      descriptor = forThisPlatform(json(blob(archive, top)).path("manifests"));
    }
    JsonNode manifest = json(blob(archive, descriptor));
    List<ImageArchive.Member> layers = new ArrayList<>();
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
    List<ImageArchive.Member> layers = new ArrayList<>();
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

  /** An index, manifest or config of the archive: JSON of at most {@value #MAX_JSON} bytes. */
  static JsonNode json(ImageArchive.Member member) throws IOException {
    if (member.size() > MAX_JSON) {
      throw new IOException(member.name() + ": " + member.size() + " bytes, more than an image's JSON ever is");
    }
    try (var in = member.open()) {
      return JSON.readTree(in);
    }
  }

  /** The blob a descriptor names: {@code blobs/ALGORITHM/HEX}. */
  private static ImageArchive.Member blob(ImageArchive archive, JsonNode descriptor) throws IOException {
    String digest = descriptor.path("digest").asText();
    int colon = digest.indexOf(':');
    if (colon <= 0 || !digest.substring(colon + 1).matches("[0-9a-f]{32,128}")) {
      throw new IOException("malformed digest \"" + digest + "\" in the archive's index");
    }
    return archive.require("blobs/" + digest.substring(0, colon) + "/" + digest.substring(colon + 1));
  }
}
