package io.usernetes.identity.supervisor;

import io.usernetes.identity.idmap.IdMap;
import io.usernetes.identity.idmap.UserNamespaceMap;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Fd;
import io.usernetes.identity.kernel.FileData;
import io.usernetes.identity.kernel.notify.Notification;
import io.usernetes.identity.kernel.notify.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the notifications of one listener, following the safe-answer recipe
 * (seccomp_unotify(2)): open {@code /proc/TID} (and its root and memory) first, then ID_VALID,
 * then read; ID_VALID again before acting on what was read; write into the caller's memory only
 * after that; a notification that went away in between gets no answer at all.
 *
 * <p>The target is untrusted: it can lie in its memory (we only write, never read it), die or be
 * replaced by another process under the same TID (caught by the /proc handles and ID_VALID), chroot
 * or enter a new user namespace (it then only changes its own answers). Used by one thread.
 */
final class NotificationHandler {
  private static final Logger LOG = LoggerFactory.getLogger(NotificationHandler.class);
  private static final int MAX_NAMESPACES = 64;

  /** ID_VALID, as the listener answers it. */
  interface Validity {
    boolean isValid(long id) throws ErrnoException;
  }

  private final String container;
  private final ContainerIdentity identity;
  private final IdMap uidMap;
  private final IdMap gidMap;
  private final String ownUserNamespace;
  private final Validity validity;
  private final Map<String, UserNamespaceMap[]> namespaceMaps = new LinkedHashMap<>();
  private ImageDeclarations image;
  private boolean warnedInvisible;

  NotificationHandler(String container, ContainerIdentity identity, IdMap uidMap, IdMap gidMap,
      String ownUserNamespace, Validity validity) {
    this.container = container;
    this.identity = identity;
    this.uidMap = uidMap;
    this.gidMap = gidMap;
    this.ownUserNamespace = ownUserNamespace;
    this.validity = validity;
  }

  /** The response to send, or empty when the notification is gone (nothing may be sent). */
  Optional<Response> handle(Notification n) throws ErrnoException {
    Optional<IdCall.Classified> classified = IdCall.classify(n.arch(), n.nr());
    if (classified.isEmpty()) {
      LOG.debug("{}: {}: not an identity call, CONTINUE", container, n);
      return Optional.of(Response.continueCall(n.id()));
    }
    IdCall.Classified call = classified.get();
    Optional<VirtualIds> fixed = identity.explicitOnly();
    if (fixed.isPresent() && !call.call().writesMemory()) {
      return Optional.of(answer(n, call, fixed.get(), null));
    }
    if (n.tid() == 0) {
      if (!warnedInvisible) {
        warnedInvisible = true;
        LOG.warn("{}: the caller's thread is not visible in this PID namespace; identity calls run "
            + "unchanged (run the supervisor in the host's PID namespace, e.g. hostPID: true)", container);
      }
      return Optional.of(Response.continueCall(n.id()));
    }
    Fd root = null;
    Fd memory = null;
    try (ProcTask task = ProcTask.open(n.tid())) {
      if (fixed.isEmpty() && image == null) {
        root = task.root();
      }
      if (call.call().writesMemory()) {
        memory = task.memory();
      }
      if (!validity.isValid(n.id())) {
        return gone(n);
      }
      VirtualIds ids;
      if (fixed.isPresent()) {
        ids = fixed.get();
      } else {
        if (image == null) {
          image = ImageDeclarations.read(root, uidMap, gidMap);
          LOG.info("{}: the image declares {} users and {} groups", container, image.userCount(),
              image.groupCount());
          image.warnings().forEach(w -> LOG.warn("{}: {}", container, w));
        }
        TaskIds kernelIds = task.statusIds();
        String namespace = task.userNamespace();
        if (!namespace.equals(ownUserNamespace)) {
          UserNamespaceMap[] maps = maps(namespace, task);
          kernelIds = kernelIds.toNamespace(maps[0], maps[1]);
        }
        ids = identity.resolve(kernelIds, image);
        if (!validity.isValid(n.id())) {
          return gone(n);
        }
      }
      return Optional.of(answer(n, call, ids, memory));
    } catch (ErrnoException e) {
      if (e.errno() == ErrnoException.ENOENT || e.errno() == 3 /* ESRCH */) {
        return gone(n);
      }
      LOG.warn("{}: {}: cannot answer ({}), CONTINUE", container, n, e.getMessage());
      return Optional.of(Response.continueCall(n.id()));
    } finally {
      closeQuietly(root);
      closeQuietly(memory);
    }
  }

  private Response answer(Notification n, IdCall.Classified call, VirtualIds ids, Fd memory) {
    Answer answer = Answer.of(n, call, ids);
    for (Answer.Write w : answer.writes()) {
      try {
        if (memory == null || w.address() < 0
            || FileData.pwrite(memory, w.bytes(), 0, w.bytes().length, w.address()) != w.bytes().length) {
          return Response.failure(n.id(), Answer.EFAULT);
        }
      } catch (ErrnoException e) {
        return Response.failure(n.id(), Answer.EFAULT);
      }
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug("{}: {} {}: {}", container, n, call.call(), answer.response());
    }
    return answer.response();
  }

  private Optional<Response> gone(Notification n) {
    LOG.debug("{}: {}: the caller went away", container, n);
    return Optional.empty();
  }

  private UserNamespaceMap[] maps(String namespace, ProcTask task) throws ErrnoException {
    UserNamespaceMap[] maps = namespaceMaps.get(namespace);
    if (maps == null) {
      maps = new UserNamespaceMap[] {task.map(false), task.map(true)};
      if (namespaceMaps.size() >= MAX_NAMESPACES) {
        namespaceMaps.clear();
      }
      namespaceMaps.put(namespace, maps);
    }
    return maps;
  }

  private static void closeQuietly(Fd fd) {
    if (fd != null) {
      try {
        fd.close();
      } catch (ErrnoException ignored) {
        // read-only /proc handles
      }
    }
  }
}
