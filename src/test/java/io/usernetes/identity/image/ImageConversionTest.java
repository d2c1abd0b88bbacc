package io.usernetes.identity.image;

import static io.usernetes.identity.image.Tars.add;
import static io.usernetes.identity.image.Tars.entry;
import static io.usernetes.identity.image.Tars.file;
import static io.usernetes.identity.image.Tars.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.usernetes.identity.idmap.IdMap;
import io.usernetes.identity.ownership.EntryRecords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import io.airlift.compress.zstd.ZstdCompressor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageConversionTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
  private static final String MAPS = "uid=0:0:1,1:1:1999,65534:2000:2 gid=0:0:1,1:1:1999,65534:2000:2";

  @TempDir Path dir;

  private static byte[] baseLayer() throws IOException {
    return Tars.tar(tar -> {
      add(tar, entry("etc/", TarConstants.LF_DIR, 0, 0));
      file(tar, "etc/passwd", 0, 0, "root:x:0:0::/root:/bin/sh\n".getBytes(StandardCharsets.US_ASCII));
    });
  }

  private static byte[] aliceLayer() throws IOException {
    return Tars.tar(tar -> {
      add(tar, entry("home/alice/", TarConstants.LF_DIR, 60000, 60000));
      file(tar, "home/alice/notes", 60000, 60000, "notes\n".getBytes(StandardCharsets.US_ASCII));
      TarArchiveEntry link = entry("home/alice/link", TarConstants.LF_SYMLINK, 60000, 60000);
      link.setLinkName("notes");
      add(tar, link);
    });
  }

  private static ObjectNode descriptor(String mediaType, byte[] blob) {
    return JSON.createObjectNode().put("mediaType", mediaType).put("digest", "sha256:" + sha256(blob))
        .put("size", blob.length);
  }

  /** An OCI layout ({@code skopeo copy oci-archive:}) of gzip layers, its index naming the image {@code names}. */
  private static byte[] ociLayout(byte[] config, List<byte[]> layers, String... names) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    ObjectNode manifest = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", MANIFEST_TYPE);
    manifest.set("config", descriptor("application/vnd.oci.image.config.v1+json", config));
    files.put("blobs/sha256/" + sha256(config), config);
    for (byte[] layer : layers) {
      byte[] gz = Tars.gzip(layer);
      manifest.withArray("layers").add(descriptor("application/vnd.oci.image.layer.v1.tar+gzip", gz));
      files.put("blobs/sha256/" + sha256(gz), gz);
    }
    byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
    files.put("blobs/sha256/" + sha256(manifestBytes), manifestBytes);
    ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2);
    for (String name : names) {
      ObjectNode m = descriptor(MANIFEST_TYPE, manifestBytes);
      m.putObject("annotations").put("org.opencontainers.image.ref.name", name);
      index.withArray("manifests").add(m);
    }
    files.put("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.US_ASCII));
    files.put("index.json", JSON.writeValueAsBytes(index));
    return Tars.archive(files);
  }

  private static byte[] ociLayout(String name, byte[]... layers) throws IOException {
    String[] diffIds = Stream.of(layers).map(l -> "sha256:" + sha256(l)).toArray(String[]::new);
    return ociLayout(Tars.config(diffIds), List.of(layers), name);
  }

  /** A converted archive, opened: its files, and its one image's parts. */
  private record Output(Map<String, byte[]> files, JsonNode index, JsonNode manifest, JsonNode config,
      List<byte[]> layers) {
    String name() {
      return index.path("manifests").get(0).path("annotations").path("io.containerd.image.name").asText();
    }
  }

  private static Output open(Path archive) throws IOException {
    Map<String, byte[]> files = Tars.files(Files.readAllBytes(archive));
    JsonNode index = JSON.readTree(files.get("index.json"));
    assertEquals(1, index.path("manifests").size());
    JsonNode manifest = JSON.readTree(blob(files, index.path("manifests").get(0)));
    JsonNode config = JSON.readTree(blob(files, manifest.path("config")));
    List<byte[]> layers = new ArrayList<>();
    for (JsonNode l : manifest.path("layers")) {
      String type = l.path("mediaType").asText();
      assertTrue(type.equals("application/vnd.oci.image.layer.v1.tar+gzip")
          || type.equals("application/vnd.oci.image.layer.v1.tar"), type);
      layers.add(type.endsWith("+gzip") ? Tars.gunzip(blob(files, l)) : blob(files, l));
    }
    return new Output(files, index, manifest, config, layers);
  }

  private static byte[] blob(Map<String, byte[]> files, JsonNode descriptor) {
    String digest = descriptor.path("digest").asText();
    assertTrue(digest.startsWith("sha256:"), digest);
    byte[] blob = files.get("blobs/sha256/" + digest.substring("sha256:".length()));
    assertTrue(blob != null, digest + " in " + files.keySet());
    assertEquals(descriptor.path("size").asLong(), blob.length, "size of " + digest);
    return blob;
  }

  private Path write(String name, byte[] content) throws IOException {
    return Files.write(dir.resolve(name), content);
  }

  private ImageConversion.Result convert(Path in, Path out, Optional<String> name) throws IOException {
    return new ImageConversion(IdMap.defaultMap(), IdMap.defaultMap()).convert(in, out, name);
  }

  private List<String> scratchLeft() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".convert.")).toList();
    }
  }

  private void assertRefused(Path in, String reason) throws IOException {
    Path out = dir.resolve("refused.tar");
    IOException e = assertThrows(IOException.class, () -> convert(in, out, Optional.of("example.com/x:pool")));
    assertTrue(e.getMessage().contains(reason), e.getMessage());
    assertFalse(Files.exists(out), "no output");
    assertEquals(List.of(), scratchLeft());
  }

  // --- what the output is ---

  @Test
  void aDockerArchiveBecomesAnOciArchiveNamedAfterItsTag() throws IOException {
    Path in = write("app.tar", Tars.dockerArchive("example.com/app:1.0", baseLayer(), aliceLayer()));
    ImageConversion.Result r = convert(in, dir.resolve("app-pool.tar"), Optional.empty());
    assertEquals("example.com/app:1.0-pool", r.name());
    assertEquals(2, r.layers());
    assertEquals(new LayerConverter.Counts(5, 3), r.counts());
    Output o = open(dir.resolve("app-pool.tar"));
    assertEquals("example.com/app:1.0-pool", o.name());
    assertEquals("example.com/app:1.0-pool",
        o.index().path("manifests").get(0).path("annotations").path("org.opencontainers.image.ref.name").asText());
    assertTrue(o.files().containsKey("oci-layout"));
  }

  @Test
  void anOciLayoutIsConvertedUnderTheNameGiven() throws IOException {
    Path in = write("app.tar", ociLayout("example.com/app:2.0", baseLayer(), aliceLayer()));
    ImageConversion.Result r = convert(in, dir.resolve("out.tar"), Optional.of("registry.local/app:hpc"));
    assertEquals("registry.local/app:hpc", r.name());
    assertEquals("registry.local/app:hpc", open(dir.resolve("out.tar")).name());
  }

  @Test
  void anOciLayoutsOwnNameGetsThePoolSuffix() throws IOException {
    Path in = write("app.tar", ociLayout("example.com/app:2.0", aliceLayer()));
    assertEquals("example.com/app:2.0-pool", convert(in, dir.resolve("out.tar"), Optional.empty()).name());
  }

  @Test
  void theDiffIdsAreThoseOfTheConvertedLayers() throws IOException {
    for (byte[] archive : List.of(Tars.dockerArchive("example.com/app:1.0", baseLayer(), aliceLayer()),
        ociLayout("example.com/app:2.0", baseLayer(), aliceLayer()))) {
      Path out = dir.resolve("out.tar");
      convert(write("in.tar", archive), out, Optional.empty());
      Output o = open(out);
      JsonNode diffIds = o.config().path("rootfs").path("diff_ids");
      assertEquals(2, diffIds.size());
      for (int i = 0; i < 2; i++) {
        assertEquals("sha256:" + sha256(o.layers().get(i)), diffIds.get(i).asText());
      }
      // the base layer had only root's files: its bytes changed in the owner fields alone
      assertEquals(Tars.read(baseLayer()).size(), Tars.read(o.layers().get(0)).size());
      assertEquals("layers", o.config().path("rootfs").path("type").asText());
    }
  }

  @Test
  void everyBlobIsNamedByItsDigest() throws IOException {
    Path in = write("app.tar", Tars.dockerArchive("example.com/app:1.0", baseLayer(), aliceLayer()));
    convert(in, dir.resolve("out.tar"), Optional.empty());
    Map<String, byte[]> files = open(dir.resolve("out.tar")).files();
    List<String> blobs = files.keySet().stream().filter(n -> n.startsWith("blobs/sha256/")).toList();
    assertEquals(4, blobs.size(), "two layers, the config and the manifest: " + files.keySet());
    for (String name : blobs) {
      assertEquals(name.substring("blobs/sha256/".length()), sha256(files.get(name)));
    }
  }

  @Test
  void theConfigNamesTheMapsAndKeepsItsOwnLabels() throws IOException {
    Path in = write("app.tar", Tars.dockerArchive("example.com/app:1.0", aliceLayer()));
    convert(in, dir.resolve("out.tar"), Optional.empty());
    JsonNode labels = open(dir.resolve("out.tar")).config().path("config").path("Labels");
    assertEquals(MAPS, labels.path(ImageConversion.MAP_LABEL).asText());
    assertEquals("hpc", labels.path("org.example.team").asText());
  }

  @Test
  void theConvertedLayerHasPoolOwnersAndRecords() throws IOException {
    Path in = write("app.tar", ociLayout("example.com/app:2.0", aliceLayer()));
    convert(in, dir.resolve("out.tar"), Optional.empty());
    Map<String, TarArchiveEntry> entries = new LinkedHashMap<>();
    for (Tars.Read r : Tars.read(open(dir.resolve("out.tar")).layers().get(0))) {
      entries.put(r.name(), r.entry());
    }
    assertEquals(List.of("home/alice/", "home/alice/notes", "home/alice/link",
        "home/alice/.wh..wh.usernetes/" + new String(EntryRecords.key(
            "link".getBytes(StandardCharsets.US_ASCII)), StandardCharsets.US_ASCII)), List.copyOf(entries.keySet()));
    for (String name : List.of("home/alice/", "home/alice/notes", "home/alice/link")) {
      assertEquals(1633, entries.get(name).getLongUserId(), name);
      assertEquals(1633, entries.get(name).getLongGroupId(), name);
    }
    assertEquals("60000", entries.get("home/alice/notes").getExtraPaxHeader("SCHILY.xattr.user.usernetes.uid"));
  }

  @Test
  void theSameInputGivesTheSameBytes() throws IOException {
    Path in = write("app.tar", Tars.dockerArchive("example.com/app:1.0", baseLayer(), aliceLayer()));
    convert(in, dir.resolve("one.tar"), Optional.empty());
    convert(in, dir.resolve("two.tar"), Optional.empty());
    assertArrayEquals(Files.readAllBytes(dir.resolve("one.tar")), Files.readAllBytes(dir.resolve("two.tar")));
  }

  @Test
  void aPlainAndAGzipCopyOfALayerConvertAlike() throws IOException {
    Path docker = write("docker.tar", Tars.dockerArchive("example.com/app:1.0", aliceLayer()));
    Path oci = write("oci.tar", ociLayout("example.com/app:1.0", aliceLayer()));
    convert(docker, dir.resolve("from-docker.tar"), Optional.empty());
    convert(oci, dir.resolve("from-oci.tar"), Optional.empty());
    assertArrayEquals(open(dir.resolve("from-docker.tar")).layers().get(0),
        open(dir.resolve("from-oci.tar")).layers().get(0));
  }

  @Test
  void noScratchIsLeftAfterAConversion() throws IOException {
    Path in = write("app.tar", Tars.dockerArchive("example.com/app:1.0", aliceLayer()));
    convert(in, dir.resolve("out.tar"), Optional.empty());
    assertEquals(List.of(), scratchLeft());
  }

  @Test
  void theOutputReplacesAFileThere() throws IOException {
    Path in = write("app.tar", Tars.dockerArchive("example.com/app:1.0", aliceLayer()));
    Path out = write("out.tar", "old".getBytes(StandardCharsets.US_ASCII));
    convert(in, out, Optional.empty());
    assertEquals("example.com/app:1.0-pool", open(out).name());
  }

  @Test
  void aConfigWithNullLabelsGetsTheMapLabel() throws IOException {
    // docker's configs say "Labels": null when there are none
    byte[] layer = aliceLayer();
    ObjectNode config = (ObjectNode) JSON.readTree(Tars.config("sha256:" + sha256(layer)));
    ((ObjectNode) config.path("config")).putNull("Labels");
    Path in = write("app.tar", Tars.dockerArchiveWithConfig("example.com/app:1.0", JSON.writeValueAsBytes(config), layer));
    convert(in, dir.resolve("out.tar"), Optional.empty());
    assertEquals(MAPS, open(dir.resolve("out.tar")).config().path("config").path("Labels")
        .path(ImageConversion.MAP_LABEL).asText());
  }

  @Test
  void aConfigWithoutAConfigSectionGetsTheMapLabel() throws IOException {
    byte[] layer = aliceLayer();
    ObjectNode config = (ObjectNode) JSON.readTree(Tars.config("sha256:" + sha256(layer)));
    config.remove("config");
    Path in = write("app.tar", Tars.dockerArchiveWithConfig("example.com/app:1.0", JSON.writeValueAsBytes(config), layer));
    convert(in, dir.resolve("out.tar"), Optional.empty());
    assertEquals(MAPS, open(dir.resolve("out.tar")).config().path("config").path("Labels")
        .path(ImageConversion.MAP_LABEL).asText());
  }

  @Test
  void aLayerListedTwiceIsConvertedForEachPlace() throws IOException {
    byte[] layer = aliceLayer();
    Path in = write("app.tar", Tars.dockerArchive("example.com/app:1.0", layer, layer));
    ImageConversion.Result r = convert(in, dir.resolve("out.tar"), Optional.empty());
    assertEquals(2, r.layers());
    Output o = open(dir.resolve("out.tar"));
    assertEquals(o.config().path("rootfs").path("diff_ids").get(0), o.config().path("rootfs").path("diff_ids").get(1));
    assertEquals(o.manifest().path("layers").get(0), o.manifest().path("layers").get(1));
  }

  @Test
  void theDefaultNameOfATaglessNameIsTagPool() {
    assertEquals(Optional.of("example.com/app:pool"), ImageConversion.defaultName("example.com/app"));
    assertEquals(Optional.of("localhost:5000/app:pool"), ImageConversion.defaultName("localhost:5000/app"));
    assertEquals(Optional.of("localhost:5000/app:1.0-pool"), ImageConversion.defaultName("localhost:5000/app:1.0"));
  }

  @Test
  void anArchiveNamingItsImageByDigestNeedsAName() throws IOException {
    // containerd names an image pulled by digest NAME@sha256:HEX (and ctr export says so); no
    // converted image can carry that digest, and "-pool" after it is no reference at all
    String digest = "sha256:" + "ab".repeat(32);
    assertEquals(Optional.empty(), ImageConversion.defaultName("docker.io/library/busybox@" + digest));
  }

  @Test
  void anArchiveWhoseIndexNamesOnlyATagNeedsAName() throws IOException {
    Path in = write("app.tar", ociLayout("2.0", aliceLayer()));
    IOException e = assertThrows(IOException.class, () -> convert(in, dir.resolve("out.tar"), Optional.empty()));
    assertTrue(e.getMessage().contains("does not name its image"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("out.tar")));
    assertEquals(List.of(), scratchLeft());
    assertEquals("example.com/app:2.0", convert(in, dir.resolve("out.tar"), Optional.of("example.com/app:2.0")).name());
  }

  // --- refusals ---

  @Test
  void aZstdLayerConvertsAsItsPlainTarDoes() throws IOException {
    byte[] plain = aliceLayer();
    byte[] zstd = new byte[new ZstdCompressor().maxCompressedLength(plain.length)];
    int n = new ZstdCompressor().compress(plain, 0, plain.length, zstd, 0, zstd.length);
    Path in = write("zstd.tar", Tars.dockerArchiveWithConfig("example.com/app:1.0",
        Tars.config("sha256:" + sha256(plain)), java.util.Arrays.copyOf(zstd, n)));
    convert(in, dir.resolve("from-zstd.tar"), Optional.empty());
    // gzip is what every unpacker reads: a zstd layer comes out as its gzip copy does
    convert(write("gzip.tar", Tars.dockerArchiveWithConfig("example.com/app:1.0",
        Tars.config("sha256:" + sha256(plain)), Tars.gzip(plain))), dir.resolve("from-gzip.tar"), Optional.empty());
    assertArrayEquals(Files.readAllBytes(dir.resolve("from-gzip.tar")), Files.readAllBytes(dir.resolve("from-zstd.tar")));
  }

  @Test
  void aPlainLayerStaysPlainAndAGzipOneGzip() throws IOException {
    // podman save writes plain layers: no gzip pass (which takes most of a conversion's time)
    convert(write("plain.tar", Tars.dockerArchive("example.com/app:1.0", aliceLayer())), dir.resolve("p.tar"),
        Optional.empty());
    assertEquals("application/vnd.oci.image.layer.v1.tar",
        open(dir.resolve("p.tar")).manifest().path("layers").get(0).path("mediaType").asText());
    convert(write("oci.tar", ociLayout("example.com/app:2.0", aliceLayer())), dir.resolve("g.tar"), Optional.empty());
    assertEquals("application/vnd.oci.image.layer.v1.tar+gzip",
        open(dir.resolve("g.tar")).manifest().path("layers").get(0).path("mediaType").asText());
  }

  @Test
  void anOversizedIndexIsRefused() throws IOException {
    byte[] index = new byte[(16 << 20) + 1];
    java.util.Arrays.fill(index, (byte) ' ');
    assertRefused(write("big.tar", Tars.archive(Map.of("index.json", index))), "index.json: 16777217 bytes");
  }

  @Test
  void anImageConvertedAlreadyIsRefused() throws IOException {
    Path in = write("app.tar", Tars.dockerArchive("example.com/app:1.0", aliceLayer()));
    convert(in, dir.resolve("once.tar"), Optional.empty());
    assertRefused(dir.resolve("once.tar"), "converted already");
  }

  @Test
  void aLayerThatIsNotTheOneItsDiffIdNamesIsRefused() throws IOException {
    byte[] config = Tars.config("sha256:" + sha256(baseLayer()));
    assertRefused(write("app.tar", Tars.dockerArchiveWithConfig("example.com/app:1.0", config, aliceLayer())),
        "is not the layer the config names");
  }

  @Test
  void anOciIndexOfTwoImagesIsRefused() throws IOException {
    byte[] layer = aliceLayer();
    byte[] archive = ociLayout(Tars.config("sha256:" + sha256(layer)), List.of(layer),
        "example.com/app:1.0", "example.com/app:latest");
    assertRefused(write("app.tar", archive), "names 2 images");
  }

  @Test
  void aDockerArchiveOfTwoImagesIsRefused() throws IOException {
    byte[] layer = aliceLayer();
    byte[] config = Tars.config("sha256:" + sha256(layer));
    String image = "{\"Config\":\"c.json\",\"RepoTags\":[\"example.com/app:1.0\"],\"Layers\":[\"l/layer.tar\"]}";
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("l/layer.tar", layer);
    files.put("c.json", config);
    files.put("manifest.json", ("[" + image + "," + image + "]").getBytes(StandardCharsets.US_ASCII));
    assertRefused(write("app.tar", Tars.archive(files)), "names 2 images");
  }

  @Test
  void aLayerTheConverterRefusesIsRefusedWithItsNumber() throws IOException {
    byte[] forged = Tars.tar(tar -> file(tar, "a/.wh..wh.usernetes/x", 0, 0, new byte[0]));
    assertRefused(write("app.tar", Tars.dockerArchive("example.com/app:1.0", baseLayer(), forged)),
        "layer 2: entry a/.wh..wh.usernetes/x");
  }

  @Test
  void anArchiveWithoutAnImageIndexIsRefused() throws IOException {
    assertRefused(write("app.tar", Tars.archive(Map.of("hello.txt", new byte[] {'h', 'i'}))),
        "neither an OCI layout");
  }
}
