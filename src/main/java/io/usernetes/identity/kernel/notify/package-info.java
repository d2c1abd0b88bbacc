/**
 * The seccomp user-notification binding: the notification and response structs, the listener
 * ioctls, and the {@code AF_UNIX} socket calls OCI runtimes use to hand a listener fd over
 * ({@code SCM_RIGHTS}, {@code SO_PEERCRED}).
 *
 * <p>Same rules as {@link io.usernetes.identity.kernel}: failures are {@link
 * io.usernetes.identity.kernel.ErrnoException}s, {@code EINTR} is retried inside, descriptors
 * are {@link io.usernetes.identity.kernel.Fd}s, and structs are decoded from byte arrays at the
 * offsets documented on each record (little-endian LP64: x86_64 and aarch64). Only this package,
 * the kernel package and the FUSE adapter touch native memory.
 */
package io.usernetes.identity.kernel.notify;
