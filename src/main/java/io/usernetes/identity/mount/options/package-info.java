/**
 * The command line of the {@code usernetes-identity} mount program, parsed without touching the
 * file system: {@link io.usernetes.identity.mount.options.MountInvocation#parse} turns the
 * arguments fuse-overlayfs accepts into an immutable description, or a {@link
 * io.usernetes.identity.mount.options.MountUsageException} with a one-line reason.
 *
 * <p>The {@code -o} string goes through three stages, each in its own class: {@link
 * io.usernetes.identity.mount.options.OptionTokenizer} splits it into options at commas (quotes
 * and backslashes protect, see {@link io.usernetes.identity.mount.options.QuotedText}), {@link
 * io.usernetes.identity.mount.options.MountOptionsParser} applies each option in order using the
 * table of {@link io.usernetes.identity.mount.options.KnownOption}s, and {@link
 * io.usernetes.identity.mount.options.OptionValues} reads typed values ({@link
 * io.usernetes.identity.mount.options.LowerDirs} and {@link
 * io.usernetes.identity.mount.options.IdMappings} for the two list syntaxes). The result is a
 * {@link io.usernetes.identity.mount.options.MountOptions} made of one record per group: layers,
 * ownership, fuse-overlayfs tuning, libfuse flags and this project's own options.
 */
package io.usernetes.identity.mount.options;
