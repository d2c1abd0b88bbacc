package io.usernetes.identity.image;

import com.google.common.io.ByteStreams;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The files of an image archive (an OCI layout or a docker-archive tar, as {@code podman save},
 * {@code skopeo copy} and {@code ctr image export} write them), read where they lie in it: one
 * pass finds them, and each is then read from its place, never copied out. Only regular files
 * with plain relative names are taken, so nothing in the archive names a path of ours.
 */
final class ImageArchive {
  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9._:+-]+(/[A-Za-z0-9._:+-]+)*");

  /** One file of the archive: its bytes at {@code offset}, {@code size} of them. */
  record Member(Path archive, String name, long offset, long size) {
    InputStream open() throws IOException {
      FileChannel channel = FileChannel.open(archive, StandardOpenOption.READ);
      channel.position(offset);
      return new BufferedInputStream(ByteStreams.limit(Channels.newInputStream(channel), size), 1 << 16);
    }
  }

  private final Map<String, Member> members;

  private ImageArchive(Map<String, Member> members) {
    this.members = members;
  }

  /** @throws IOException when {@code archive} is not a tar this can read */
  static ImageArchive index(Path archive) throws IOException {
    Map<String, Member> members = new HashMap<>();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(archive), 1 << 16)) {
      TarReader reader = new TarReader(in);
      for (TarEntry e = reader.next(); e != null; e = reader.next()) {
        String name = plain(e.printableName());
        if (e.type == TarHeader.REGULAR && PLAIN_NAME.matcher(name).matches() && !name.contains("..")) {
          members.put(name, new Member(archive, name, reader.dataOffset(), e.size));
        }
      }
    }
    return new ImageArchive(members);
  }

  Optional<Member> file(String name) {
    return Optional.ofNullable(members.get(plain(name)));
  }

  /** The file {@code name}, which the archive's own index says is there. */
  Member require(String name) throws IOException {
    return file(name).orElseThrow(() -> new IOException("the archive names " + name + " but does not hold it"));
  }

  private static String plain(String name) {
    return name.replaceFirst("^(\\./)+", "");
  }
}
