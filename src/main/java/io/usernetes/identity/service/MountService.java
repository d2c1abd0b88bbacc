package io.usernetes.identity.service;

import io.usernetes.identity.daemon.AcceptLoop;
import io.usernetes.identity.daemon.ClientRequests;
import io.usernetes.identity.daemon.PeerNamespaces;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.notify.PeerCredentials;
import io.usernetes.identity.kernel.notify.UnixConnection;
import io.usernetes.identity.kernel.notify.UnixServerSocket;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resident mount service: one JVM per user and namespace serving every mount made there, so
 * that a container's mount costs a round trip on a unix socket instead of a JVM start, and the
 * JVM's memory is paid once. The mount program's native client sends a {@link MountRequest}.
 *
 * <p>The exchange, one line at a time: {@code fallback} (the launcher then starts a JVM for this
 * mount itself), or {@code accepted}, then the mount program's exit status and what it would have
 * said on stderr. A client that sees the connection end before {@code accepted} was never served
 * and falls back; one that sees it end after {@code accepted} reports the mount failed: the
 * service died. A live mount whose status cannot be delivered (the client gave up) is unmounted.
 *
 * <p>The service lives while it serves: when its last mount goes away it removes its socket,
 * then closes it (in that order, so that a successor can bind the path at once and is never
 * removed), and {@link #serve} returns. Every peer is untrusted, checked and read by {@link
 * ClientRequests} (its user and mount namespaces must be this service's: paths and ids must mean
 * to it what they mean to the peer; at most {@link MountRequest#MAX_BYTES}).
 */
public final class MountService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MountService.class);
  static final int MAX_REQUESTS = 16;

  /** What a {@link Mounter} made of a request. */
  public record Outcome(int status, CompletionStage<?> ended, Runnable unmount) {
    /** This service should not make the mount: the launcher gives it a JVM of its own. */
    public static final Outcome FALLBACK = new Outcome(-1, CompletableFuture.completedFuture(null), () -> {});

    /** The mount program's failure: {@code status}, and no mount. */
    public static Outcome failed(int status) {
      return new Outcome(status, CompletableFuture.completedFuture(null), () -> {});
    }

    boolean live() {
      return status == 0;
    }
  }

  /** Makes the mount a request asks for, saying on {@code err} what the mount program would. */
  @FunctionalInterface
  public interface Mounter {
    Outcome mount(MountRequest request, PrintStream err);
  }

  private final AcceptLoop loop;
  private final Path socket;
  private final ClientRequests requests;
  private final Mounter mounter;
  /** Requests being answered and mounts being served; the service retires when it drops to 0. */
  private int active;
  private boolean used;
  private boolean retired;

  private MountService(UnixServerSocket server, Path socket, ClientRequests requests, Mounter mounter) {
    this.loop = new AcceptLoop(server, socket.toString(), LOG);
    this.socket = socket;
    this.requests = requests;
    this.mounter = mounter;
  }

  /** Binds {@code socket} (mode 0600; a stale one is replaced, a live one is an error). */
  public static MountService bind(Path socket, Set<Long> allowedUids, Mounter mounter) throws IOException {
    ClientRequests requests = new ClientRequests(allowedUids, new PeerNamespaces(List.of("user", "mnt")),
        MountRequest.MAX_BYTES, LOG);
    Path path = socket.toAbsolutePath();
    return new MountService(UnixServerSocket.listenReplacingStale(path, 0600, "mount service"),
        path, requests, mounter);
  }

  /**
   * Serves until the last mount has gone away, or until {@code firstRequest} has passed without
   * a request (a service started for a mount whose launcher then died).
   */
  public void serve(Duration firstRequest) {
    CompletableFuture.delayedExecutor(firstRequest.toMillis(), TimeUnit.MILLISECONDS).execute(this::retireIfUnused);
    loop.run(MAX_REQUESTS, "mount-request", this::answer);
  }

  /** Mounts being served and requests being answered. */
  public synchronized int active() {
    return active;
  }

  private synchronized boolean admit() {
    if (retired) {
      return false;
    }
    active++;
    used = true;
    return true;
  }

  private synchronized void release() {
    active--;
    if (active == 0) {
      retire();
    }
  }

  private synchronized void retireIfUnused() {
    if (!used) {
      LOG.info("no request on {} since the service started; exiting", socket);
      retire();
    }
  }

  private synchronized void retire() {
    if (!retired) {
      retired = true;
      loop.close(); // unlinks, then closes
    }
  }

  private void answer(UnixConnection c, PeerCredentials peer) {
    if (!admit()) {
      return; // retiring: the client finds nobody and its launcher starts a new service
    }
    boolean served = false;
    try {
      served = answerAdmitted(c, peer);
    } catch (ErrnoException | RuntimeException e) {
      LOG.warn("a request from pid {} on {} failed: {}", peer.pid(), socket, e.toString());
    } finally {
      if (!served) {
        release();
      }
    }
  }

  /** True when a live mount now holds the admission: its end releases it. */
  private boolean answerAdmitted(UnixConnection c, PeerCredentials peer) throws ErrnoException {
    Optional<MountRequest> request = requests.read(c, peer, MountRequest::parse);
    if (request.isEmpty()) {
      return false;
    }
    if (!c.sendQuietly(ClientRequests.line("accepted"))) {
      return false;
    }
    Outcome outcome;
    boolean delivered;
    String args = String.join(" ", request.get().args());
    try (ClientRequests.Said said = new ClientRequests.Said()) {
      try {
        outcome = mounter.mount(request.get(), said.err);
      } catch (RuntimeException e) {
        LOG.error("pid {}: the mount failed", peer.pid(), e);
        said.err.println("usernetes-identity: cannot mount: " + e);
        outcome = Outcome.failed(1);
      }
      if (outcome == Outcome.FALLBACK) {
        LOG.info("pid {}: {}: its launcher starts a JVM for the mount", peer.pid(), args);
        ClientRequests.fallback(c);
        return false;
      }
      LOG.info("pid {}: {} -> exit {}{}", peer.pid(), args, outcome.status(), said.forLog());
      delivered = c.sendQuietly(said.reply(outcome.status()));
    }
    if (!outcome.live()) {
      return false;
    }
    outcome.ended().whenComplete((result, error) -> release());
    if (!delivered) {
      LOG.warn("pid {} left before its mount was live; unmounting it: {}", peer.pid(), args);
      outcome.unmount().run();
    }
    return true;
  }

  /** Stops accepting and removes the socket; live mounts stay until they are unmounted. */
  @Override
  public synchronized void close() {
    retire();
  }
}
