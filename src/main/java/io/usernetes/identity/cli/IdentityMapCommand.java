package io.usernetes.identity.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code identity-map}: inspect and debug id mappings and on-disk ownership. */
@Command(name = "identity-map",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    scope = picocli.CommandLine.ScopeType.INHERIT,
    description = {
        "Inspect and debug the container id → host id mapping of usernetes-identity and the",
        "ownership records it keeps on disk.",
        "",
        "Container ids (0-65535, what images and workloads use) map onto the few host ids a node",
        "has: pinned segments map one to one, every other id is hashed into the pool with",
        "FNV-1a. The true id of a file is kept in its user.usernetes.uid/gid xattrs."},
    subcommands = {
        HostCommand.class,
        ContainerCommand.class,
        CollisionsCommand.class,
        UsernsCommand.class,
        StatCommand.class,
        TreeCommand.class,
        ConvertImageCommand.class,
        ConfigCommand.class},
    footerHeading = "%nExit status:%n",
    footer = {
        "  0  done, nothing wrong found",
        "  1  done, and found something to look at (collisions, ambiguity, bad records)",
        "  2  bad input: unknown id, unreadable file, bad map or option",
        "",
        "Configuration: flags > USERNETES_IDENTITY_* environment > config files; run",
        "'identity-map config' to see the effective values and where each came from."})
public final class IdentityMapCommand implements Runnable {
  @Mixin SharedOptions shared;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
        "a command is required: host, container, collisions, stat, tree, convert-image or config");
  }
}
