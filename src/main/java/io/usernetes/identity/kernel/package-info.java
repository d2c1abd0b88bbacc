/**
 * The kernel binding: byte-exact, symlink-safe file system calls for the overlay mount program.
 *
 * <p>Rules every class here keeps, so the layers above can rely on them:
 * <ul>
 *   <li>File names and paths are {@code byte[]}, passed to the kernel exactly. They never go
 *       through {@code String} or {@code java.nio.file}, whose decoding depends on the JVM's
 *       locale and replaces bytes that are not valid in it.
 *   <li>Names are resolved relative to a directory {@link io.usernetes.identity.kernel.Fd}, and a
 *       symlink as the last component is never followed (the link itself is acted on, or the
 *       call fails). A name with several components is protected from symlinks only by
 *       {@link io.usernetes.identity.kernel.Open#beneath}.
 *   <li>Every failure is an {@link io.usernetes.identity.kernel.ErrnoException}; {@code EINTR}
 *       is retried inside, except by {@code close}.
 *   <li>Everything is safe to call from many threads at once: there is no shared buffer, and
 *       calls use explicit file positions rather than a descriptor's offset.
 *   <li>This package and the FUSE adapter are the only code that touches native memory; what
 *       leaves it is plain Java: {@code byte[]}, {@code long} ids and small records.
 * </ul>
 *
 * <p>Linux on x86_64 or aarch64 with glibc 2.32 or later. Newer kernel calls ({@code openat2},
 * 5.6; {@code fchmodat2}, 6.6) fall back to older ones when the kernel answers {@code ENOSYS}.
 */
package io.usernetes.identity.kernel;
