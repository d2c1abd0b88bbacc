package io.usernetes.identity.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Tars written and read with commons-compress, an implementation independent of the one under
 * test, and the image archives built from them.
 */
public final class Tars {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final FileTime MTIME = FileTime.from(Instant.ofEpochSecond(1_700_000_000L));

  private Tars() {}

  /** Adds entries to an archive being written. */
  @FunctionalInterface
  public interface Entries {
    void addTo(TarArchiveOutputStream tar) throws IOException;
  }

  /** What a tar reads back as: each entry and its data. */
  public record Read(TarArchiveEntry entry, byte[] data) {
    public String name() {
      return entry.getName();
    }
  }

  /** A tar with pax long names and numbers; every entry's mtime fixed, so no pax mtime record. */
  public static byte[] tar(Entries entries) throws IOException {
    return tar(TarArchiveOutputStream.LONGFILE_POSIX, entries);
  }

  public static byte[] tar(int longFileMode, Entries entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      tar.setLongFileMode(longFileMode);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      entries.addTo(tar);
      tar.finish();
    }
    return bytes.toByteArray();
  }

  /** An entry of {@code type} (a {@code TarConstants.LF_*}); add it with {@link #add}. */
  public static TarArchiveEntry entry(String name, byte type, long uid, long gid) {
    TarArchiveEntry e = new TarArchiveEntry(name, type);
    e.setUserId(uid);
    e.setGroupId(gid);
    e.setLastModifiedTime(MTIME);
    return e;
  }

  public static void add(TarArchiveOutputStream tar, TarArchiveEntry entry) throws IOException {
    add(tar, entry, new byte[0]);
  }

  public static void add(TarArchiveOutputStream tar, TarArchiveEntry entry, byte[] data) throws IOException {
    entry.setSize(data.length);
    tar.putArchiveEntry(entry);
    tar.write(data);
    tar.closeArchiveEntry();
  }

  /** A regular file. */
  public static void file(TarArchiveOutputStream tar, String name, long uid, long gid, byte[] data) throws IOException {
    add(tar, entry(name, TarConstants.LF_NORMAL, uid, gid), data);
  }

  public static List<Read> read(byte[] tar) throws IOException {
    List<Read> entries = new ArrayList<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        entries.add(new Read(e, in.readAllBytes()));
      }
    }
    return entries;
  }

  /** The regular files of an archive by name. */
  public static Map<String, byte[]> files(byte[] tar) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (Read r : read(tar)) {
      if (r.entry().isFile()) {
        files.put(r.name(), r.data());
      }
    }
    return files;
  }

  /** An archive of regular files owned by root, in the given order. */
  public static byte[] archive(Map<String, byte[]> files) throws IOException {
    return tar(tar -> {
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        file(tar, f.getKey(), 0, 0, f.getValue());
      }
    });
  }

  public static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static byte[] gzip(byte[] data) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
      gzip.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public static byte[] gunzip(byte[] data) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
      return in.readAllBytes();
    }
  }

  /** An image config with these diff_ids ({@code sha256:HEX}) and a label of its own. */
  public static byte[] config(String... diffIds) throws IOException {
    ObjectNode config = JSON.createObjectNode().put("architecture", "amd64").put("os", "linux");
    config.putObject("config").putObject("Labels").put("org.example.team", "hpc");
    ObjectNode rootfs = config.putObject("rootfs").put("type", "layers");
    for (String d : diffIds) {
      rootfs.withArray("diff_ids").add(d);
    }
    return JSON.writeValueAsBytes(config);
  }

  /** A docker-archive ({@code docker save}) of plain layer tars with a config that names them. */
  public static byte[] dockerArchive(String repoTag, byte[]... layers) throws IOException {
    String[] diffIds = new String[layers.length];
    for (int i = 0; i < layers.length; i++) {
      diffIds[i] = "sha256:" + sha256(layers[i]);
    }
    return dockerArchiveWithConfig(repoTag, config(diffIds), layers);
  }

  public static byte[] dockerArchiveWithConfig(String repoTag, byte[] config, byte[]... layers) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    ObjectNode image = JSON.createObjectNode();
    String configName = sha256(config) + ".json";
    image.put("Config", configName);
    image.putArray("RepoTags").add(repoTag);
    for (byte[] layer : layers) {
      String name = sha256(layer) + "/layer.tar";
      image.withArray("Layers").add(name);
      files.put(name, layer);
    }
    files.put(configName, config);
    files.put("manifest.json", JSON.writeValueAsBytes(JSON.createArrayNode().add(image)));
    return archive(files);
  }

  /** A layer of a few entries, two of which (alice's file and symlink) need records. */
  public static byte[] smallLayer() throws IOException {
    return tar(tar -> {
      add(tar, entry("home/", TarConstants.LF_DIR, 0, 0));
      file(tar, "home/alice-notes", 60000, 60000, "notes\n".getBytes(StandardCharsets.US_ASCII));
      TarArchiveEntry link = entry("home/alice-link", TarConstants.LF_SYMLINK,
          60000, 60000);
      link.setLinkName("alice-notes");
      add(tar, link);
    });
  }
}
