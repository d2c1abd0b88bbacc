package io.usernetes.identity.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import io.airlift.compress.zstd.ZstdInputStream;
import io.usernetes.identity.idmap.IdMap;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Converts an image archive into an OCI archive of the same image whose layers hold pool ids and
 * records ({@link LayerConverter}), with a config whose {@code diff_ids} say so: an unpacker that
 * checks them (containerd does) unpacks it in a namespace of the node's few ids, and every node
 * with the same map gets the same bytes. The config's label {@value #MAP_LABEL} names the maps, and
 * an image that has it is refused: converting twice would hash pool ids again.
 *
 * <p>The output is deterministic (gzip without a time, entries in one order): the same image and
 * maps give the same layers and diff_ids on any machine, and the same digests wherever the JDK's
 * zlib compresses alike.
 */
public final class ImageConversion {
  public static final String MAP_LABEL = "io.usernetes.identity.map";
  private static final String GZIP_LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";
  private static final String TAR_LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar";
  private static final String CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";
  private static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
  private static final String INDEX_TYPE = "application/vnd.oci.image.index.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What was converted. */
  public record Result(String name, int layers, LayerConverter.Counts counts) {}

  private record Blob(String digest, long size, Path file) {}

  private record ConvertedLayer(Blob blob, String mediaType, String diffId, LayerConverter.Counts counts) {}

  private final IdMap uids;
  private final IdMap gids;

  public ImageConversion(IdMap uids, IdMap gids) {
    this.uids = uids;
    this.gids = gids;
  }

  /**
   * The converted image's default name: the source's, its tag suffixed {@code -pool}; none for a
   * source named by digest, which no other content may carry.
   */
  public static Optional<String> defaultName(String source) {
    if (source.contains("@")) {
      return Optional.empty();
    }
    String last = source.substring(source.lastIndexOf('/') + 1);
    return Optional.of(source + (last.contains(":") ? "-pool" : ":pool"));
  }

  /**
   * Converts {@code input} into {@code output} (written whole or not at all), naming the image
   * {@code name}, else {@link #defaultName} of the source's.
   *
   * @throws IOException with a one-line reason when the input is not an image this can convert
   */
  public Result convert(Path input, Path output, Optional<String> name) throws IOException {
    Path outputDir = output.toAbsolutePath().getParent();
    Path scratch = Files.createTempDirectory(outputDir, ".convert.");
    try {
      SourceImage source = SourceImage.find(ImageArchive.index(input));
      String target = name.or(() -> source.name().flatMap(ImageConversion::defaultName)).orElseThrow(
          () -> new IOException(source.name().map(n -> "the archive names its image by digest (" + n + ")")
              .orElse("the archive does not name its image") + "; give the converted one a name (--name)"));
      ObjectNode config = readConfig(source.config());
      ArrayNode diffIds = config.withArray("/rootfs/diff_ids");
      if (diffIds.size() != source.layers().size()) {
        throw new IOException("the config lists " + diffIds.size() + " diff_ids for "
            + source.layers().size() + " layers");
      }
      List<ConvertedLayer> layers = new ArrayList<>();
      LayerConverter.Counts counts = new LayerConverter.Counts(0, 0);
      for (int i = 0; i < source.layers().size(); i++) {
        ConvertedLayer layer = convertLayer(i + 1, source.layers().get(i), diffIds.get(i).asText(), scratch);
        diffIds.set(i, layer.diffId());
        layers.add(layer);
        counts = counts.plus(layer.counts());
      }
      config.withObject("/config").withObject("/Labels").put(MAP_LABEL, mapLabel());
      Blob configBlob = blob(scratch, "config", JSON.writeValueAsBytes(config));
      ObjectNode manifest = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", MANIFEST_TYPE);
      descriptor(manifest.putObject("config"), CONFIG_TYPE, configBlob);
      ArrayNode layerList = manifest.putArray("layers");
      for (ConvertedLayer l : layers) {
        descriptor(layerList.addObject(), l.mediaType(), l.blob());
      }
      Blob manifestBlob = blob(scratch, "manifest", JSON.writeValueAsBytes(manifest));
      ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", INDEX_TYPE);
      ObjectNode entry = descriptor(index.putArray("manifests").addObject(), MANIFEST_TYPE, manifestBlob);
      entry.putObject("annotations").put("io.containerd.image.name", target)
          .put("org.opencontainers.image.ref.name", target);
      writeArchive(output, scratch, JSON.writeValueAsBytes(index), configBlob, manifestBlob,
          layers.stream().map(ConvertedLayer::blob).toList());
      return new Result(target, layers.size(), counts);
    } finally {
      MoreFiles.deleteRecursively(scratch, RecursiveDeleteOption.ALLOW_INSECURE);
    }
  }

  /**
   * Converts layer {@code number} (from 1) into a blob in {@code scratch}, compressed as the input
   * was (gzip for zstd: gzip is what every unpacker reads), checking on the way that its content is
   * the one the config's {@code diff_id} names.
   */
  private ConvertedLayer convertLayer(int number, ImageArchive.Member layer, String diffId, Path scratch)
      throws IOException {
    Path converted = scratch.resolve("layer" + number);
    boolean compressed = compression(layer) != Compression.NONE;
    MessageDigest read = sha256();
    MessageDigest written = sha256();
    MessageDigest stored = compressed ? sha256() : written;
    LayerConverter.Counts counts;
    try (InputStream in = new DigestInputStream(decompressed(layer), read);
        OutputStream file = new BufferedOutputStream(Files.newOutputStream(converted), 1 << 16);
        OutputStream blob = compressed
            ? new GZIPOutputStream(new DigestOutputStream(file, stored), 1 << 16) : file;
        DigestOutputStream tar = new DigestOutputStream(blob, written)) {
      try {
        counts = new LayerConverter(uids, gids).convert(in, tar);
      } catch (IOException e) {
        throw new IOException("layer " + number + ": " + e.getMessage(), e);
      }
      in.transferTo(OutputStream.nullOutputStream()); // what follows the end blocks counts for the diff_id too
      String content = digest(read);
      if (!content.equals(diffId)) {
        throw new IOException("layer " + number + " is not the layer the config names (diff_id " + diffId
            + ", content " + content + ")");
      }
    }
    String newDiffId = digest(written);
    return new ConvertedLayer(new Blob(compressed ? digest(stored) : newDiffId, Files.size(converted), converted),
        compressed ? GZIP_LAYER_TYPE : TAR_LAYER_TYPE, newDiffId, counts);
  }

  private String mapLabel() {
    return "uid=" + uids.spec() + " gid=" + gids.spec();
  }

  private static ObjectNode readConfig(ImageArchive.Member file) throws IOException {
    JsonNode config = SourceImage.json(file);
    if (!(config instanceof ObjectNode o) || !config.path("rootfs").path("diff_ids").isArray()) {
      throw new IOException("the image config has no rootfs.diff_ids");
    }
    String converted = config.path("config").path("Labels").path(MAP_LABEL).asText(null);
    if (converted != null) {
      throw new IOException("the image is converted already (" + MAP_LABEL + " " + converted + ")");
    }
    return o;
  }

  /** How a layer blob is compressed: told by its first bytes, not by a media type. */
  private enum Compression {
    NONE,
    GZIP,
    ZSTD
  }

  private static Compression compression(ImageArchive.Member layer) throws IOException {
    byte[] magic;
    try (InputStream in = layer.open()) {
      magic = in.readNBytes(4);
    }
    if (magic.length >= 2 && (magic[0] & 0xFF) == 0x1f && (magic[1] & 0xFF) == 0x8b) {
      return Compression.GZIP;
    }
    if (magic.length == 4 && (magic[0] & 0xFF) == 0x28 && (magic[1] & 0xFF) == 0xb5
        && (magic[2] & 0xFF) == 0x2f && (magic[3] & 0xFF) == 0xfd) {
      return Compression.ZSTD;
    }
    return Compression.NONE;
  }

  /** The layer's tar. */
  private static InputStream decompressed(ImageArchive.Member layer) throws IOException {
    InputStream in = layer.open();
    return switch (compression(layer)) {
      case GZIP -> new GZIPInputStream(in, 1 << 16);
      case ZSTD -> new ZstdInputStream(in);
      case NONE -> in;
    };
  }

  private static ObjectNode descriptor(ObjectNode node, String mediaType, Blob blob) {
    return node.put("mediaType", mediaType).put("digest", blob.digest()).put("size", blob.size());
  }

  private static Blob blob(Path scratch, String name, byte[] content) throws IOException {
    Path file = scratch.resolve(name);
    Files.write(file, content);
    MessageDigest d = sha256();
    d.update(content);
    return new Blob(digest(d), content.length, file);
  }

  /** The OCI archive, written beside {@code output} and renamed over it. */
  private static void writeArchive(Path output, Path scratch, byte[] index, Blob config, Blob manifest,
      List<Blob> layers) throws IOException {
    Path tmp = scratch.resolve("archive");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
      TarWriter writer = new TarWriter(out);
      byte[] layout = "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.US_ASCII);
      writer.writeFile(ascii("oci-layout"), 0644, null, null, layout.length, new ByteArrayInputStream(layout));
      writer.writeFile(ascii("index.json"), 0644, null, null, index.length, new ByteArrayInputStream(index));
      // an image may list one layer twice; its blob is written once
      java.util.Map<String, Blob> blobs = new java.util.LinkedHashMap<>();
      for (Blob b : layers) {
        blobs.putIfAbsent(b.digest(), b);
      }
      blobs.putIfAbsent(config.digest(), config);
      blobs.putIfAbsent(manifest.digest(), manifest);
      for (Blob b : blobs.values()) {
        try (InputStream in = Files.newInputStream(b.file())) {
          writer.writeFile(ascii("blobs/sha256/" + b.digest().substring("sha256:".length())), 0644, null, null,
              b.size(), in);
        }
      }
      writer.finish();
    }
    Files.move(tmp, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static String digest(MessageDigest d) {
    return "sha256:" + HexFormat.of().formatHex(d.digest());
  }
}
