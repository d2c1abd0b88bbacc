package io.usernetes.identity.runtime;

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
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * identity-runtime's resident half: a JVM that stays up so that a container's {@code create}
 * costs a round trip on a unix socket instead of a JVM start. The launcher's native client sends
 * a {@link RuntimeRequest}; the service does what the JVM would have done for it and answers
 * {@code STATUS\n} and the lines for stderr. It answers {@code fallback\n} instead, and the
 * launcher starts the JVM itself, whenever it should not do the work: a peer in another mount
 * namespace (its paths are not ours) or a request it cannot read.
 *
 * <p>Every peer is untrusted input, checked and read by {@link ClientRequests} (at most {@link
 * RuntimeRequest#MAX_BYTES}); at most {@value #MAX_REQUESTS} are served at a time. One log line
 * per request.
 */
public final class RuntimeService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RuntimeService.class);
  static final int MAX_REQUESTS = 16;

  /** Does what the JVM would do for a request; returns its exit status, says on {@code err} what it would. */
  @FunctionalInterface
  public interface Handler {
    int handle(RuntimeRequest request, PrintStream err);
  }

  private final AcceptLoop loop;
  private final Path socket;
  private final ClientRequests requests;
  private final Handler handler;

  private RuntimeService(UnixServerSocket server, Path socket, ClientRequests requests, Handler handler) {
    this.loop = new AcceptLoop(server, socket.toString(), LOG);
    this.socket = socket;
    this.requests = requests;
    this.handler = handler;
  }

  /** Binds {@code socket} (mode 0600; a stale one is replaced, a live one is an error). */
  public static RuntimeService bind(Path socket, Set<Long> allowedUids, Handler handler) throws IOException {
    // its paths must be ours; the ids are the runtime's own business
    ClientRequests requests = new ClientRequests(allowedUids, new PeerNamespaces(List.of("mnt")),
        RuntimeRequest.MAX_BYTES, LOG);
    Path path = socket.toAbsolutePath();
    return new RuntimeService(UnixServerSocket.listenReplacingStale(path, 0600, "identity-runtime serve"),
        path, requests, handler);
  }

  /** Accepts requests until {@link #close}. */
  public void serve() {
    loop.run(MAX_REQUESTS, "request", this::answerLogged);
  }

  private void answerLogged(UnixConnection c, PeerCredentials peer) {
    try {
      answer(c, peer);
    } catch (ErrnoException e) {
      LOG.warn("a request on {} failed: {}", socket, e.getMessage());
    }
  }

  private void answer(UnixConnection c, PeerCredentials peer) throws ErrnoException {
    Optional<RuntimeRequest> request = requests.read(c, peer, RuntimeRequest::parse);
    if (request.isEmpty()) {
      return;
    }
    try (ClientRequests.Said said = new ClientRequests.Said()) {
      int status = handler.handle(request.get(), said.err);
      LOG.info("pid {}: {} -> exit {}{}", peer.pid(), String.join(" ", request.get().args()), status, said.forLog());
      c.sendQuietly(said.reply(status));
    }
  }

  /** Stops accepting and removes the socket. */
  @Override
  public void close() {
    loop.close();
  }
}
