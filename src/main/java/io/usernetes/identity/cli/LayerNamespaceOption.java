package io.usernetes.identity.cli;

import io.usernetes.identity.ownership.LayerNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --rootless-user}: read a layer a rootless user's podman wrote, from outside its namespace. */
final class LayerNamespaceOption {
  @Option(names = "--rootless-user", paramLabel = "USER",
      description = "The layer was written by USER's rootless podman: read its owners through the "
          + "namespace podman makes for USER (USER is 0, its /etc/subuid and /etc/subgid range 1 "
          + "onwards). Not needed inside 'podman unshare' or for rootful storage.")
  String rootlessUser;

  LayerNamespace namespace() {
    if (rootlessUser == null) {
      return LayerNamespace.SAME;
    }
    try {
      return SubordinateIds.of(rootlessUser, Path.of("/etc/passwd"), Path.of("/etc/subuid"), Path.of("/etc/subgid"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
