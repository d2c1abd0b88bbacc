package io.usernetes.identity.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code identity-supervisor}: true container ids for processes, through seccomp user notification. */
@Command(name = "identity-supervisor",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    scope = picocli.CommandLine.ScopeType.INHERIT,
    description = {
        "Tells container processes their true container ids: answers getuid, geteuid,",
        "getgid, getegid, getresuid, getresgid and getgroups through seccomp user",
        "notification. The kernel's ids do not change, only what processes are told.",
        "",
        "A process's container id is, in order:",
        "  1. an explicit identity: UID=, GID=, GROUPS= lines in the profile's",
        "     listenerMetadata, else the annotations usernetes.io/uid, usernetes.io/gid,",
        "     usernetes.io/groups (metadata wins: the profile is the administrator's);",
        "  2. its kernel id resolved through the users and groups its image declares",
        "     (/etc/passwd, /etc/group) with the id map: a pinned id, or the one declared",
        "     id hashed there; when several collide, the lowest (logged as a warning);",
        "  3. the kernel id itself.",
        ""},
    subcommands = {ServeCommand.class, RunCommand.class},
    footerHeading = "%nExit status:%n",
    footer = {
        "  serve: 0 after a clean stop (SIGTERM removes the socket)",
        "  run:   the command's own status (128+N when killed by signal N); 125 when the",
        "         filter or the handoff failed; 126/127 when the command cannot be run",
        "  2      bad arguments or configuration, or a socket that cannot be made",
        "",
        "Configuration: flags > USERNETES_IDENTITY_* environment > config files",
        "(/etc/usernetes-identity/config.toml, ~/.config/usernetes-identity/config.toml);",
        "the same uid-map/gid-map as the mount program and identity-map."})
public final class SupervisorCommand implements Runnable {
  @Mixin SharedOptions shared;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
        "a command is required: serve or run");
  }
}
