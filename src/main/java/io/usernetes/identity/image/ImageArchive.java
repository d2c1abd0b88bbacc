package io.usernetes.identity.image;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The files of an image archive (an OCI layout or a docker-archive tar, as {@code podman save}
 * and {@code skopeo copy} write them), unpacked into a private directory. Only regular files with
 * plain relative names are taken, each under a name of its own making, so nothing in the archive
 * decides where anything is written.
 */
final class ImageArchive {
  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9._:+-]+(/[A-Za-z0-9._:+-]+)*");

  private final Path dir;
  private final Map<String, Path> files = new HashMap<>();

  private ImageArchive(Path dir) {
    this.dir = dir;
  }

  /**
   * Unpacks into a new directory in {@code scratch}, which the caller removes.
   *
   * @throws IOException when {@code archive} is not a tar this can read
   */
  static ImageArchive unpack(Path archive, Path scratch) throws IOException {
    ImageArchive unpacked = new ImageArchive(Files.createTempDirectory(scratch, "input."));
    try (InputStream in = new BufferedInputStream(Files.newInputStream(archive), 1 << 16)) {
      TarReader reader = new TarReader(in);
      for (TarEntry e = reader.next(); e != null; e = reader.next()) {
        String name = e.printableName().replaceFirst("^(\\./)+", "");
        if (e.type != TarHeader.REGULAR || !PLAIN_NAME.matcher(name).matches() || name.contains("..")) {
          continue;
        }
        Path file = unpacked.dir.resolve("f" + unpacked.files.size());
        try (OutputStream out = Files.newOutputStream(file)) {
          reader.data().transferTo(out);
        }
        unpacked.files.put(name, file);
      }
    }
    return unpacked;
  }

  Optional<Path> file(String name) {
    return Optional.ofNullable(files.get(name.replaceFirst("^(\\./)+", "")));
  }

  /** The file {@code name}, which the archive's own index says is there. */
  Path require(String name) throws IOException {
    return file(name).orElseThrow(() -> new IOException("the archive names " + name + " but does not hold it"));
  }
}
