package io.usernetes.identity.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Layer directories for one mount in a test's temporary directory: lower layers {@code l1} (top)
 * to {@code lN}, {@code upper}, {@code work} and the mountpoint {@code mnt}.
 */
final class Layers {
  final Path root;
  final Path upper;
  final Path work;
  final Path mnt;
  private final List<Path> lowers = new ArrayList<>();

  private Layers(Path root, int lowerCount) throws IOException {
    this.root = root;
    for (int i = 1; i <= lowerCount; i++) {
      lowers.add(Files.createDirectories(root.resolve("l" + i)));
    }
    this.upper = Files.createDirectories(root.resolve("upper"));
    this.work = Files.createDirectories(root.resolve("work"));
    this.mnt = Files.createDirectories(root.resolve("mnt"));
  }

  static Layers in(Path dir, int lowerCount) throws IOException {
    return new Layers(dir, lowerCount);
  }

  /** Lower layer {@code i}, 1 being the topmost. */
  Path lower(int i) {
    return lowers.get(i - 1);
  }

  String lowerdir() {
    return lowers.stream().map(Path::toString).collect(Collectors.joining(":"));
  }

  /** The options podman would pass for a container on these layers. */
  String options() {
    return "lowerdir=" + lowerdir() + ",upperdir=" + upper + ",workdir=" + work;
  }

  OverlayMount mount(String... env) throws Exception {
    return OverlayMount.mount(List.of(env), "-o", options(), mnt.toString());
  }

  OverlayMount mountReadOnly() throws Exception {
    return OverlayMount.mount(List.of(), "-o", "lowerdir=" + lowerdir(), mnt.toString());
  }

  /** A path in the merged view. */
  String m(String rel) {
    return mnt.resolve(rel).toString();
  }
}
