package io.usernetes.identity.supervisor;

import io.usernetes.identity.declared.DeclaredId;
import io.usernetes.identity.declared.HostIdResolver;
import io.usernetes.identity.declared.Resolution;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who the processes of one container are, in container ids. The rules, in order:
 * <ol>
 *   <li>an {@link ExplicitIdentity} (metadata or annotations) sets the answer for every process;
 *   <li>otherwise the thread's own kernel ids (in its user namespace) are resolved through the
 *       ids the image declares, with the id map shared with the mount program ({@link
 *       HostIdResolver}): a pinned id, or the one declared id that hashes there;
 *   <li>otherwise (nothing declared there) the kernel id itself.
 * </ol>
 * <b>Collisions</b> (several declared ids hash to the thread's id) are answered with the
 * <em>lowest</em> of them, and logged as a warning once per container and id: a deterministic
 * rule every node applies alike. Set the identity explicitly to choose another.
 *
 * <p>Supplementary groups: the explicit list; else, when an explicit gid is set, just that gid;
 * else each of the thread's groups resolved like a gid.
 */
public final class ContainerIdentity {
  private static final Logger LOG = LoggerFactory.getLogger(ContainerIdentity.class);

  private final String container;
  private final ExplicitIdentity explicit;
  private final Set<String> reported = ConcurrentHashMap.newKeySet();

  public ContainerIdentity(String container, ExplicitIdentity explicit) {
    this.container = container;
    this.explicit = explicit;
  }

  public ExplicitIdentity explicit() {
    return explicit;
  }

  /** The answer for every thread when the explicit identity sets uid and gid: no /proc needed. */
  public Optional<VirtualIds> explicitOnly() {
    if (explicit.uid().isEmpty() || explicit.gid().isEmpty()) {
      return Optional.empty();
    }
    long uid = explicit.uid().getAsLong();
    long gid = explicit.gid().getAsLong();
    return Optional.of(new VirtualIds(uid, uid, uid, gid, gid, gid,
        explicit.groups().orElse(new long[] {gid})));
  }

  /** The container ids of a thread whose kernel ids (in its own namespace) are {@code task}. */
  public VirtualIds resolve(TaskIds task, ImageDeclarations image) {
    long ruid = uid(task.ruid(), image);
    long euid = uid(task.euid(), image);
    long suid = uid(task.suid(), image);
    long rgid = gid(task.rgid(), image);
    long egid = gid(task.egid(), image);
    long sgid = gid(task.sgid(), image);
    long[] groups;
    if (explicit.groups().isPresent()) {
      groups = explicit.groups().get();
    } else if (explicit.gid().isPresent()) {
      groups = new long[] {explicit.gid().getAsLong()};
    } else {
      long[] kernel = task.groups();
      groups = new long[kernel.length];
      for (int i = 0; i < kernel.length; i++) {
        groups[i] = resolve(image.groups(), kernel[i], "gid");
      }
    }
    return new VirtualIds(ruid, euid, suid, rgid, egid, sgid, groups);
  }

  private long uid(long kernelId, ImageDeclarations image) {
    return explicit.uid().isPresent() ? explicit.uid().getAsLong() : resolve(image.users(), kernelId, "uid");
  }

  private long gid(long kernelId, ImageDeclarations image) {
    return explicit.gid().isPresent() ? explicit.gid().getAsLong() : resolve(image.groups(), kernelId, "gid");
  }

  private long resolve(HostIdResolver resolver, long kernelId, String kind) {
    Resolution r = resolver.resolve(kernelId);
    if (r.source() != Resolution.Source.AMBIGUOUS) {
      return r.container();
    }
    long chosen = r.candidates().get(0).id(); // candidates are in id order: the lowest
    if (reported.add(kind + kernelId)) {
      LOG.warn("container {}: {} {} is ambiguous, the image declares {}; answering the lowest, {} "
          + "(set usernetes.io/{} or {}= in listenerMetadata to choose)", container, kind, kernelId,
          r.candidates().stream().map(DeclaredId::toString).collect(Collectors.joining(", ")), chosen,
          kind, kind.toUpperCase(java.util.Locale.ROOT));
    }
    return chosen;
  }
}
