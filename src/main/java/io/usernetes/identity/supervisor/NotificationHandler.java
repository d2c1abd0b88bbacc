package io.usernetes.identity.supervisor;

import io.usernetes.identity.idmap.IdMap;
import io.usernetes.identity.idmap.UserNamespaceMap;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Fd;
import io.usernetes.identity.kernel.FileData;
import io.usernetes.identity.kernel.KernelFallback;
import io.usernetes.identity.kernel.notify.Notification;
import io.usernetes.identity.kernel.notify.Response;
import io.usernetes.identity.kernel.notify.ThreadCredentials;
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
 *
 * <p><b>The pure calls</b> (getuid, geteuid, getgid, getegid: a value, no memory written) have a
 * path that allocates nothing and reads no {@code /proc} file ({@link #fast}): with an explicit
 * identity the answer is fixed per container; otherwise the thread's kernel ids come from a pidfd
 * ({@link ThreadCredentials}, kept per TID in a small table) and its user namespace from one
 * readlink, both read after RECV, and the resolved answer is reused while both are unchanged (the
 * readlink is skipped for a resolved thread when the filter promises to send {@link
 * NamespaceCalls} too, which clear what was resolved for their caller). Resolving (a new thread,
 * changed ids) also opens {@code /proc/TID/root} to {@code statx} the image's account files; files
 * that changed are believed only after ID_VALID proves that root the caller's. A
 * pidfd whose thread died (its TID reused) fails with ESRCH and is reopened. Whose ids were read:
 * <ul>
 *   <li>a pidfd opened <em>before</em> this RECV, read successfully after it: its thread held the
 *       TID over the whole span, and the notifier held that TID at RECV (a pending notification
 *       is unlinked by its own thread before that thread can exit), so they are one thread. No
 *       ID_VALID is needed; a notifier gone since makes SEND fail with ENOENT.
 *   <li>a pidfd opened <em>after</em> RECV may be a newcomer's that took the TID of a notifier
 *       that died in between: ID_VALID after the read proves the notifier was still there.
 * </ul>
 * Kernels without {@code PIDFD_GET_INFO} (before 6.13) use the {@code /proc} path, and so does
 * every kernel under {@link KernelFallback#PROC}.
 */
final class NotificationHandler implements AutoCloseable {
  /** {@link #fast}: this notification needs {@link #handle}. */
  static final long NOT_FAST = -1;
  /** {@link #fast}: the caller went away; send nothing. */
  static final long GONE = -2;
  /** Cached threads per listener (a power of two): one pidfd each. */
  static final int SLOTS = 64;

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
  private final boolean namespaceCallsNotified;
  private final Validity validity;
  private final Map<String, CachedMaps> namespaceMaps = new LinkedHashMap<>();
  /** The explicit identity, until the container's namespace turns out not to hold it. */
  private VirtualIds fixed;
  /** Whether the container's user namespace holds the explicit identity; null until it is seen. */
  private Boolean explicitHolds;
  /** This process's own user namespace's maps: what a caller in it can be told. */
  private final UserNamespaceMap[] ownMaps = ownMaps();
  private boolean warnedIncoherent;
  private final ThreadCredentials credentials = new ThreadCredentials();
  private final Slot[] slots = new Slot[SLOTS];
  private final byte[] statusBuffer = new byte[ProcTask.statusBufferSize()];
  private final byte[] ownNamespace;
  private boolean pidfds = !KernelFallback.PROC.forced();
  private ImageDeclarations image;
  private boolean warnedInvisible;

  /** A user namespace's written maps, and the namespace held open. */
  private record CachedMaps(UserNamespaceMap[] maps, Fd handle) {}

  /** One cached thread: its pidfd, the kernel ids and namespace last seen, and their answers. */
  private static final class Slot {
    long tid;
    int pidfd = -1;
    boolean resolved;
    long ruid;
    long euid;
    long suid;
    long rgid;
    long egid;
    long sgid;
    byte[] namespace;
    final long[] answers = new long[4]; // getuid, geteuid, getgid, getegid

    void release() {
      if (pidfd >= 0) {
        ThreadCredentials.close(pidfd);
      }
      pidfd = -1;
      tid = 0;
      resolved = false;
    }

    boolean sameIdsAs(ThreadCredentials c) {
      return resolved && ruid == c.ruid() && euid == c.euid() && suid == c.suid() && rgid == c.rgid()
          && egid == c.egid() && sgid == c.sgid();
    }
  }

  /**
   * @param namespaceCallsNotified the filter sends unshare and setns here too ({@link
   *     NamespaceCalls}): a thread's namespace need not be read again until it makes one
   */
  NotificationHandler(String container, ContainerIdentity identity, IdMap uidMap, IdMap gidMap,
      String ownUserNamespace, boolean namespaceCallsNotified, Validity validity) {
    this.container = container;
    this.namespaceCallsNotified = namespaceCallsNotified;
    this.identity = identity;
    this.uidMap = uidMap;
    this.gidMap = gidMap;
    this.ownUserNamespace = ownUserNamespace;
    this.validity = validity;
    this.fixed = identity.explicitOnly().orElse(null);
    this.explicitHolds = fixed == null ? Boolean.TRUE : null;
    this.ownNamespace = ownUserNamespace.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    for (int i = 0; i < SLOTS; i++) {
      slots[i] = new Slot();
    }
  }

  /**
   * The answer to a pure identity call without allocating or reading {@code /proc} when it can be
   * had that way (see the class comment): the value to SEND, {@link #GONE}, or {@link #NOT_FAST}
   * for every other case ({@link #handle} then answers).
   */
  long fast(long id, long tid, long arch, int nr) throws ErrnoException {
    int code = IdCall.pure(arch, nr);
    if (code < 0) {
      return NOT_FAST;
    }
    boolean narrow = (code & IdCall.PURE_LEGACY16) != 0;
    int which = code & 3;
    if (fixed != null) {
      if (explicitHolds == null) {
        return NOT_FAST; // handle reads the container's namespace once
      }
      return Answer.clamp(which < 2 ? (which == 0 ? fixed.ruid() : fixed.euid())
          : (which == 2 ? fixed.rgid() : fixed.egid()), narrow);
    }
    if (tid == 0 || image == null || !pidfds) {
      return NOT_FAST;
    }
    Slot s = slots[(int) (tid & (SLOTS - 1))];
    boolean openedNow = false;
    if (s.tid != tid) {
      s.release();
      if (!open(s, tid)) {
        return NOT_FAST;
      }
      openedNow = true;
    }
    int r = credentials.read(s.pidfd);
    if (r == -ThreadCredentials.ESRCH) { // that thread is gone and its TID taken by the caller
      s.release();
      if (!open(s, tid)) {
        return NOT_FAST;
      }
      openedNow = true;
      r = credentials.read(s.pidfd);
    }
    // with the filter's promise a resolved thread is in the namespace it was resolved in
    boolean namespaceRead = r == 0 && !(namespaceCallsNotified && s.resolved);
    if (namespaceRead) {
      r = credentials.readUserNamespace(tid);
    }
    if (r != 0) {
      unsupported(r);
      return NOT_FAST;
    }
    if (!(s.sameIdsAs(credentials) && (!namespaceRead || credentials.userNamespaceIs(s.namespace)))) {
      r = namespaceRead ? 0 : credentials.readUserNamespace(tid);
      if (r != 0) {
        unsupported(r);
        return NOT_FAST;
      }
      ImageDeclarations current = currentImage(tid);
      if (current == null) {
        return NOT_FAST;
      }
      // read through /proc/TID/root after RECV: another process's root unless the caller is still there
      if (current != image && !validity.isValid(id)) {
        return GONE;
      }
      adopt(current);
      if (!resolve(s)) {
        return NOT_FAST;
      }
    }
    if (openedNow && !validity.isValid(id)) {
      return GONE; // and what was read may belong to another thread: it is not used
    }
    return Answer.clamp(s.answers[which], narrow);
  }

  /**
   * The declarations as the thread's root has them now (see {@link #currentImage(Fd)}); null when
   * its root cannot be opened ({@link #handle} then answers).
   */
  private ImageDeclarations currentImage(long tid) {
    try (Fd root = ProcTask.root(tid)) {
      return currentImage(root);
    } catch (ErrnoException e) {
      return null;
    }
  }

  /**
   * {@link #image} while the root's {@code etc/passwd} and {@code etc/group} are the versions it
   * was read from (a {@code statx} each, once per resolution, never for a cached answer); else
   * the files read again. Not adopted yet: the caller validates the notification first.
   */
  private ImageDeclarations currentImage(Fd root) {
    return image != null && image.isCurrent(root) ? image : ImageDeclarations.read(root, uidMap, gidMap);
  }

  /** Makes {@code current} the image; when it replaces another, every thread is resolved again. */
  private void adopt(ImageDeclarations current) {
    if (current == image) {
      return;
    }
    boolean first = image == null;
    image = current;
    if (first) {
      LOG.info("{}: the image declares {} users and {} groups", container, image.userCount(), image.groupCount());
      image.warnings().forEach(w -> LOG.warn("{}: {}", container, w));
    } else {
      // the container rewrites its own files as often as it likes: not worth a line each time by default
      LOG.debug("{}: the image's account files changed; it declares {} users and {} groups now {}", container,
          image.userCount(), image.groupCount(), image.warnings());
      for (Slot s : slots) {
        s.resolved = false;
      }
    }
  }

  private boolean open(Slot s, long tid) {
    int fd = ThreadCredentials.openThread(tid);
    if (fd < 0) {
      unsupported(fd);
      return false;
    }
    s.tid = tid;
    s.pidfd = fd;
    s.resolved = false;
    return true;
  }

  /** Whether identity calls are still answered from pidfd credentials (else everything reads {@code /proc}). */
  boolean readsPidfds() {
    return pidfds;
  }

  /** A failed pidfd call: a gone thread leaves the answer to {@link #handle}; anything else, for good. */
  private void unsupported(int negativeErrno) {
    int errno = -negativeErrno;
    if (errno == ThreadCredentials.ESRCH || errno == ErrnoException.ENOENT) {
      return;
    }
    if (errno == ErrnoException.EMFILE || errno == 23 /* ENFILE */) {
      releaseAll(); // fds are short: give the cached pidfds back, and try again later
      return;
    }
    pidfds = false;
    releaseAll();
    LOG.info("{}: pidfd credentials unavailable (errno {}); identity calls read /proc", container, errno);
  }

  /** The answers for the ids just read into {@link #credentials}; false when /proc must do it. */
  private boolean resolve(Slot s) {
    byte[] namespace = credentials.userNamespace();
    TaskIds kernelIds = new TaskIds(
        new long[] {credentials.ruid(), credentials.euid(), credentials.suid()},
        new long[] {credentials.rgid(), credentials.egid(), credentials.sgid()}, new long[0]);
    UserNamespaceMap[] maps = ownMaps;
    if (!java.util.Arrays.equals(namespace, ownNamespace)) {
      CachedMaps cached = namespaceMaps.get(ThreadCredentials.text(namespace));
      if (cached == null) {
        return false; // the /proc path reads the maps, and caches them once written
      }
      maps = cached.maps;
      kernelIds = kernelIds.toNamespace(maps[0], maps[1]);
    }
    VirtualIds ids = coherent(identity.resolve(kernelIds, image), kernelIds, maps);
    s.ruid = credentials.ruid();
    s.euid = credentials.euid();
    s.suid = credentials.suid();
    s.rgid = credentials.rgid();
    s.egid = credentials.egid();
    s.sgid = credentials.sgid();
    s.namespace = namespace;
    s.answers[0] = ids.ruid();
    s.answers[1] = ids.euid();
    s.answers[2] = ids.rgid();
    s.answers[3] = ids.egid();
    s.resolved = true;
    return true;
  }

  private void forgetThread(long tid) {
    Slot s = slots[(int) (tid & (SLOTS - 1))];
    if (s.tid == tid) {
      s.resolved = false;
    }
  }

  private void releaseAll() {
    for (Slot s : slots) {
      s.release();
    }
  }

  /** Closes the cached pidfds and namespace handles. */
  @Override
  public void close() {
    releaseAll();
    forgetNamespaces();
  }

  /** The response to send, or empty when the notification is gone (nothing may be sent). */
  Optional<Response> handle(Notification n) throws ErrnoException {
    if (NamespaceCalls.changesNamespace(n.arch(), n.nr())) {
      forgetThread(n.tid()); // before it runs: its next identity call reads its namespace again
    }
    Optional<IdCall.Classified> classified = IdCall.classify(n.arch(), n.nr());
    if (classified.isEmpty()) {
      LOG.debug("{}: {}: not an identity call, CONTINUE", container, n);
      return Optional.of(Response.continueCall(n.id()));
    }
    IdCall.Classified call = classified.get();
    Optional<VirtualIds> fixed = Optional.ofNullable(this.fixed);
    if (fixed.isPresent() && explicitHolds != null && !call.call().writesMemory()) {
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
      if (fixed.isPresent() && explicitHolds == null) {
        String namespace = task.userNamespace();
        explicitHolds = holds(fixed.get(), namespace.equals(ownUserNamespace) ? ownMaps : maps(namespace, task));
        if (!explicitHolds) {
          warnIncoherent(fixed.get());
          this.fixed = null;
          fixed = Optional.empty();
        }
      }
      if (fixed.isEmpty()) {
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
        adopt(currentImage(root));
        TaskIds kernelIds = task.statusIds(statusBuffer);
        String namespace = task.userNamespace();
        UserNamespaceMap[] maps = ownMaps;
        if (!namespace.equals(ownUserNamespace)) {
          maps = maps(namespace, task);
          kernelIds = kernelIds.toNamespace(maps[0], maps[1]);
        }
        ids = coherent(identity.resolve(kernelIds, image), kernelIds, maps);
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

  /**
   * The answers, when the caller's user namespace holds every id in them; else its kernel ids. An
   * id its namespace cannot represent would contradict what {@code stat} shows it (the mount
   * reports only ids the namespace holds): {@code git} refuses a user's own repository, {@code
   * test -O} fails. A container that needs such ids runs under identity-runtime, whose namespace
   * holds the image's ids; in the host's namespace (rootful) every id is held.
   */
  private VirtualIds coherent(VirtualIds ids, TaskIds kernelIds, UserNamespaceMap[] maps) {
    if (holds(ids, maps)) {
      return ids;
    }
    warnIncoherent(ids);
    return new VirtualIds(kernelIds.ruid(), kernelIds.euid(), kernelIds.suid(), kernelIds.rgid(),
        kernelIds.egid(), kernelIds.sgid(), kernelIds.groups());
  }

  private static boolean holds(VirtualIds ids, UserNamespaceMap[] maps) {
    for (long uid : new long[] {ids.ruid(), ids.euid(), ids.suid()}) {
      if (maps[0].toHost(uid).isEmpty()) {
        return false;
      }
    }
    for (long gid : new long[] {ids.rgid(), ids.egid(), ids.sgid()}) {
      if (maps[1].toHost(gid).isEmpty()) {
        return false;
      }
    }
    for (long gid : ids.groups()) {
      if (maps[1].toHost(gid).isEmpty()) {
        return false;
      }
    }
    return true;
  }

  private void warnIncoherent(VirtualIds ids) {
    if (!warnedIncoherent) {
      warnedIncoherent = true;
      LOG.warn("{}: uid {} gid {} are ids the container's user namespace cannot hold, so stat would show "
          + "its files other owners: it is told its kernel ids instead (run it under identity-runtime, "
          + "whose namespace holds the image's ids)", container, ids.euid(), ids.egid());
    }
  }

  /** This process's user namespace maps; the identity map when /proc cannot tell them. */
  private static UserNamespaceMap[] ownMaps() {
    try {
      return new UserNamespaceMap[] {
          UserNamespaceMap.parse(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/uid_map"))),
          UserNamespaceMap.parse(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/gid_map")))};
    } catch (java.io.IOException | IllegalArgumentException e) {
      return new UserNamespaceMap[] {UserNamespaceMap.IDENTITY, UserNamespaceMap.IDENTITY};
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

  /**
   * The maps of the thread's user namespace. Cached by the namespace's link text only once both
   * are written (a map is written once; an empty one may be written any moment, so it is read
   * again every time), and only while the cache holds the namespace open (so its inode number,
   * the key, cannot pass to a new namespace). Evicting closes those handles and forgets every
   * answer resolved with them.
   */
  private UserNamespaceMap[] maps(String namespace, ProcTask task) throws ErrnoException {
    CachedMaps cached = namespaceMaps.get(namespace);
    if (cached != null) {
      return cached.maps;
    }
    String uidText = task.mapText(false);
    String gidText = task.mapText(true);
    UserNamespaceMap[] maps = {task.map(uidText, false), task.map(gidText, true)};
    if (uidText.isBlank() || gidText.isBlank()) {
      return maps;
    }
    Fd handle = task.userNamespaceHandle();
    if (namespaceMaps.size() >= MAX_NAMESPACES) {
      forgetNamespaces();
    }
    namespaceMaps.put(namespace, new CachedMaps(maps, handle));
    return maps;
  }

  private void forgetNamespaces() {
    namespaceMaps.values().forEach(c -> closeQuietly(c.handle));
    namespaceMaps.clear();
    for (Slot s : slots) {
      s.resolved = false;
    }
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
