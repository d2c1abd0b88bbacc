package io.usernetes.identity.supervisor;

import java.util.Optional;

/**
 * The two calls that move a thread into another user namespace, {@code unshare} and {@code setns}
 * ({@code clone} makes a new thread instead), and a filter's promise that it sends them to the
 * supervisor too. With that promise a thread's user namespace is known to be unchanged until the
 * thread makes one of them, and the per-call namespace check (a {@code /proc} readlink, about 3 µs)
 * is not needed: the supervisor forgets what it knew of the thread when the call arrives, before
 * letting it run (CONTINUE).
 *
 * <p>The promise is the metadata line {@value #PROMISE}. Only the profile's {@code
 * listenerMetadata} or {@code identity-supervisor run} can make it, never a container's
 * annotations; a filter that makes it without sending those calls gives stale answers to a thread
 * that enters a new user namespace, and to nobody else.
 */
final class NamespaceCalls {
  static final String PROMISE = "NAMESPACE_CALLS=notified";

  private NamespaceCalls() {}

  /** Whether the listener's metadata carries {@link #PROMISE} on a line of its own. */
  static boolean promised(Optional<String> metadata) {
    return metadata.map(m -> m.lines().anyMatch(l -> l.strip().equals(PROMISE))).orElse(false);
  }

  /** Whether (arch, nr) is unshare or setns (x86_64 and x32, i386, aarch64, 32-bit ARM). */
  static boolean changesNamespace(long arch, int nr) {
    if (arch == IdCall.AUDIT_ARCH_X86_64) {
      int n = nr & ~IdCall.X32_BIT;
      return n == 272 || n == 308;
    }
    if (arch == IdCall.AUDIT_ARCH_AARCH64) {
      return nr == 97 || nr == 268;
    }
    if (arch == IdCall.AUDIT_ARCH_I386) {
      return nr == 310 || nr == 346;
    }
    if (arch == IdCall.AUDIT_ARCH_ARM) {
      return nr == 337 || nr == 375;
    }
    return false;
  }
}
