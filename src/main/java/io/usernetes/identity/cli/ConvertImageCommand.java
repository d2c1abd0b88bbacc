package io.usernetes.identity.cli;

import io.usernetes.identity.config.Configuration;
import io.usernetes.identity.image.ImageConversion;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code identity-map convert-image IN OUT}: an image whose layers hold pool ids and records. */
@Command(name = "convert-image", header = "An image archive converted so that containerd unpacks it in the node's few ids.", mixinStandardHelpOptions = true,
    description = {
        "Convert an image archive (an OCI layout or a docker archive: podman save,",
        "skopeo copy, ctr image export) into an OCI archive of the same image as",
        "usernetes-identity keeps it on disk: every owner is its pool id, and the true",
        "id is recorded (user.usernetes.uid/gid xattrs; entries files for symlinks and",
        "special files). containerd can then unpack it in a user namespace of the",
        "node's few ids (ctr image import, or a registry the kubelet pulls from).",
        "Unconverted, its unpack fails on the first owner beyond them (lchown EINVAL),",
        "and it checks each layer's digest, so no stream processor can do this.",
        "",
        "The layers and diff_ids depend only on the image and the maps: every node",
        "converting an image gets the same ones. The config's label",
        ImageConversion.MAP_LABEL + " names the maps; an image that has it is refused.",
        "",
        "Example: identity-map convert-image app.tar app-pool.tar",
        "         ctr -n k8s.io image import app-pool.tar"})
final class ConvertImageCommand implements Callable<Integer> {
  @ParentCommand IdentityMapCommand parent;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "IN", description = "The image archive to convert.")
  Path input;

  @Parameters(index = "1", paramLabel = "OUT",
      description = "The OCI archive to write (replaced whole, never half written).")
  Path output;

  @Option(names = "--name", paramLabel = "REF",
      description = "The converted image's name (default: the source's, its tag suffixed -pool).")
  String name;

  @Override
  public Integer call() {
    Configuration config = parent.shared.configuration();
    ImageConversion.Result result;
    try {
      result = new ImageConversion(config.uidMap(), config.gidMap()).convert(input, output, Optional.ofNullable(name));
    } catch (java.nio.file.FileSystemException e) {
      throw new UsageError(IoMessages.describe(e));
    } catch (IOException e) {
      throw new UsageError(input + ": " + e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(output + ": " + result.name() + ", " + result.layers() + " layers, " + result.counts().entries()
        + " entries, " + result.counts().records() + " records (uid map " + config.uidMap().spec() + ", gid map "
        + config.gidMap().spec() + ")");
    out.flush();
    return ExitCodes.OK;
  }
}
