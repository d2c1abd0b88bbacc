package io.usernetes.identity.supervisor;

import io.usernetes.identity.daemon.AcceptLoop;
import io.usernetes.identity.daemon.FallbackNotice;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Entries;
import io.usernetes.identity.kernel.Fd;
import io.usernetes.identity.kernel.Open;
import io.usernetes.identity.kernel.notify.PeerCredentials;
import io.usernetes.identity.kernel.notify.SeccompListener;
import io.usernetes.identity.kernel.notify.UnixConnection;
import io.usernetes.identity.kernel.notify.UnixServerSocket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seccomp agent: accepts OCI runtimes on the {@code listenerPath} socket, takes the listener
 * fd each one sends with its container-process-state, and serves it on a {@link ListenerSession}
 * thread until the container's filter has no users left.
 *
 * <p>Per connection, on a thread of its own ({@link AcceptLoop}) so that a slow or silent peer
 * delays no other, every peer being untrusted input: the peer's {@code SO_PEERCRED} uid must be
 * allowed (checked before anything is read); then the message is read until it
 * parses as a whole state or EOF, at most {@link StateParser#MAX_BYTES} and at most {@link
 * AgentSettings#handoffTimeout} in all (runc 1.1 keeps its end open until it exits, so EOF alone
 * would stall every {@code runc run}); the descriptor named {@code seccompFd} must be a seccomp
 * listener; every other descriptor is closed at once, and all of them when the message is
 * refused. Each refusal is one log line naming the peer. At most {@value #MAX_HANDOFFS}
 * handoffs are read at a time; more wait in the socket's backlog.
 */
public final class Agent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
  static final int MAX_HANDOFFS = 16;
  /** What {@code readlink("/proc/self/fd/N")} shows for a seccomp listener fd. */
  static final String LISTENER_LINK = "anon_inode:seccomp notify";
  private static final byte[] OK = "ok\n".getBytes(StandardCharsets.US_ASCII);

  private final AgentSettings settings;
  private final AcceptLoop loop;
  private final String ownUserNamespace;
  private final AtomicInteger sessions = new AtomicInteger();
  private final AtomicInteger attached = new AtomicInteger();

  private Agent(AgentSettings settings, UnixServerSocket server, String ownUserNamespace) {
    this.settings = settings;
    this.loop = new AcceptLoop(server, settings.socket().toString(), LOG);
    this.ownUserNamespace = ownUserNamespace;
  }

  /** Binds the socket, mode 0600, as {@link UnixServerSocket#listenReplacingStale} does. */
  public static Agent bind(AgentSettings settings) throws IOException {
    String namespace;
    try (Fd self = Open.directory("/proc/self".getBytes(StandardCharsets.US_ASCII))) {
      namespace = new String(Entries.readlinkat(self, "ns/user".getBytes(StandardCharsets.US_ASCII)),
          StandardCharsets.US_ASCII);
    }
    java.nio.file.Path path = settings.socket().toAbsolutePath();
    UnixServerSocket server = UnixServerSocket.listenReplacingStale(path, 0600, "identity-supervisor");
    Agent agent = new Agent(settings, server, namespace);
    FallbackNotice.log(LOG);
    return agent;
  }

  /** Accepts connections until {@link #close}. */
  public void serve() {
    loop.run(MAX_HANDOFFS, "handoff", this::handoff);
  }

  private void handoff(UnixConnection c, PeerCredentials peer) {
    if (!settings.allowedUids().contains(peer.uid())) {
      LOG.warn("refused a connection from pid {} uid {}: not in --allow-uid {}", peer.pid(), peer.uid(),
          settings.allowedUids());
      return;
    }
    try {
      take(c, peer);
    } catch (ErrnoException e) {
      if (e.errno() == UnixConnection.ETIMEDOUT) {
        LOG.warn("refused a connection from pid {} uid {}: no complete state message within {} ms",
            peer.pid(), peer.uid(), settings.handoffTimeout().toMillis());
      } else {
        LOG.warn("refused a connection from pid {} uid {}: {}", peer.pid(), peer.uid(), e.getMessage());
      }
    } catch (RuntimeException e) {
      LOG.error("connection from pid {} uid {} failed", peer.pid(), peer.uid(), e);
    }
  }

  private void take(UnixConnection c, PeerCredentials peer) throws ErrnoException {
    long deadline = System.nanoTime() + settings.handoffTimeout().toNanos();
    UnixConnection.Received received = c.receive(StateParser.MAX_BYTES, StateParser::isComplete, deadline);
    Optional<Fd> listenerFd = Optional.empty();
    try {
      listenerFd = pick(received, peer);
    } finally {
      Fd keep = listenerFd.orElse(null);
      for (Fd f : received.fds()) {
        if (f != keep) {
          try {
            f.close();
          } catch (ErrnoException ignored) {
            // a descriptor we never used
          }
        }
      }
    }
    if (listenerFd.isPresent() && settings.acknowledge()) {
      c.sendQuietly(OK);
    }
  }

  /** The listener fd, with its session started; empty when the message is refused. */
  private Optional<Fd> pick(UnixConnection.Received received, PeerCredentials peer) throws ErrnoException {
    if (received.data().length == 0 && received.fds().isEmpty() && !received.tooLarge()) {
      LOG.info("pid {} connected and sent nothing (a runtime that failed to start a container)", peer.pid());
      return Optional.empty();
    }
    ContainerProcessState state;
    try {
      if (received.tooLarge()) {
        throw new StateRejectedException("state message larger than " + StateParser.MAX_BYTES + " bytes");
      }
      if (received.fdsTruncated()) {
        throw new StateRejectedException("more descriptors than fit the control buffer");
      }
      state = StateParser.parse(received.data());
      Optional<Integer> index = state.seccompFdIndex();
      if (index.isEmpty()) {
        throw new StateRejectedException("no seccompFd in \"fds\"");
      }
      if (index.get() >= received.fds().size()) {
        throw new StateRejectedException("\"fds\" names seccompFd at " + index.get() + " but "
            + received.fds().size() + " descriptors arrived");
      }
      String kind = describe(received.fds().get(index.get()));
      if (!LISTENER_LINK.equals(kind)) {
        throw new StateRejectedException("the descriptor named seccompFd is not a seccomp listener but "
            + StateParser.printable(kind));
      }
    } catch (StateRejectedException e) {
      LOG.warn("refused a state message from pid {} uid {}: {}", peer.pid(), peer.uid(), e.getMessage());
      return Optional.empty();
    }
    Fd fd = received.fds().get(state.seccompFdIndex().get());
    SeccompListener listener = SeccompListener.adopt(fd);
    boolean sync = listener.setSyncWakeUp();
    String container = StateParser.printable(state.state().id());
    ExplicitIdentity explicit = ExplicitIdentity.of(state.state().annotations(), state.metadata());
    explicit.warnings().forEach(w -> LOG.warn("container {}: {}", container, w));
    ContainerIdentity identity = new ContainerIdentity(container, explicit);
    boolean namespaceCalls = NamespaceCalls.promised(state.metadata());
    NotificationHandler handler = new NotificationHandler(container, identity, settings.uidMap(),
        settings.gidMap(), ownUserNamespace, namespaceCalls, listener::isValid);
    sessions.incrementAndGet();
    attached.incrementAndGet();
    LOG.info("attach container={} status={} pid={} runtime-pid={} runtime-uid={} identity=\"{}\" "
            + "sync-wake-up={} namespace-calls={} listener={}", container,
        StateParser.printable(state.state().status()), state.pid(), peer.pid(), peer.uid(),
        explicit.isEmpty() ? "declared by the image" : "explicit " + explicit, sync,
        namespaceCalls ? "notified" : "checked per call", fd);
    Thread t = new Thread(new ListenerSession(container, listener, handler, sessions::decrementAndGet),
        "listener-" + container);
    t.setDaemon(true);
    t.start();
    return Optional.of(fd);
  }

  /** What the descriptor is, as {@code /proc/self/fd} shows it (e.g. {@code pipe:[123]}). */
  private static String describe(Fd fd) {
    try {
      return Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/" + fd.number())).toString();
    } catch (IOException | RuntimeException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  /** Listeners being served now. */
  public int activeSessions() {
    return sessions.get();
  }

  /** Listeners taken since start. */
  public int attachedTotal() {
    return attached.get();
  }

  /** Stops accepting and removes the socket; sessions go on until their containers end. */
  @Override
  public void close() {
    loop.close();
  }
}
