package io.usernetes.identity.runtime;

import io.usernetes.identity.daemon.AcceptLoop;
import io.usernetes.identity.daemon.PeerNamespaces;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.notify.PeerCredentials;
import io.usernetes.identity.kernel.notify.UnixConnection;
import io.usernetes.identity.kernel.notify.UnixServerSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
 * <p>Every peer is untrusted input: its {@code SO_PEERCRED} uid must be allowed before anything is
 * read, its request is read to EOF within {@link #REQUEST_TIMEOUT_MILLIS}, at most {@link
 * RuntimeRequest#MAX_BYTES}; at most {@value #MAX_REQUESTS} are served at a time. One log line
 * per request.
 */
public final class RuntimeService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RuntimeService.class);
  static final int MAX_REQUESTS = 16;
  static final long REQUEST_TIMEOUT_MILLIS = 10_000;
  public static final String FALLBACK = "fallback";

  /** Does what the JVM would do for a request; returns its exit status, says on {@code err} what it would. */
  @FunctionalInterface
  public interface Handler {
    int handle(RuntimeRequest request, PrintStream err);
  }

  private final AcceptLoop loop;
  private final Path socket;
  private final Set<Long> allowedUids;
  private final Handler handler;
  private final PeerNamespaces namespaces;

  private RuntimeService(UnixServerSocket server, Path socket, Set<Long> allowedUids, Handler handler,
      PeerNamespaces namespaces) {
    this.loop = new AcceptLoop(server, socket.toString(), LOG);
    this.socket = socket;
    this.allowedUids = Set.copyOf(allowedUids);
    this.handler = handler;
    this.namespaces = namespaces;
  }

  /** Binds {@code socket} (mode 0600; a stale one is replaced, a live one is an error). */
  public static RuntimeService bind(Path socket, Set<Long> allowedUids, Handler handler) throws IOException {
    PeerNamespaces namespaces = new PeerNamespaces(java.util.List.of("mnt"));
    Path path = socket.toAbsolutePath();
    return new RuntimeService(UnixServerSocket.listenReplacingStale(path, 0600, "identity-runtime serve"),
        path, allowedUids, handler, namespaces);
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
    if (!allowedUids.contains(peer.uid())) {
      LOG.warn("refused a request from pid {} uid {}: not in --allow-uid {}", peer.pid(), peer.uid(), allowedUids);
      return;
    }
    Optional<String> elsewhere = namespaces.differing(peer.pid());
    if (elsewhere.isPresent()) {
      LOG.info("pid {}: {}; its launcher runs the JVM itself", peer.pid(), elsewhere.get());
      c.sendQuietly((FALLBACK + "\n").getBytes(StandardCharsets.US_ASCII));
      return;
    }
    UnixConnection.Received received = c.receive(RuntimeRequest.MAX_BYTES, data -> false,
        System.nanoTime() + REQUEST_TIMEOUT_MILLIS * 1_000_000);
    received.closeAll();
    Optional<RuntimeRequest> request = received.tooLarge() ? Optional.empty() : RuntimeRequest.parse(received.data());
    if (request.isEmpty()) {
      LOG.warn("pid {}: not a request ({} bytes); its launcher runs the JVM itself", peer.pid(), received.data().length);
      c.sendQuietly((FALLBACK + "\n").getBytes(StandardCharsets.US_ASCII));
      return;
    }
    ByteArrayOutputStream said = new ByteArrayOutputStream();
    int status;
    try (PrintStream err = new PrintStream(said, true, StandardCharsets.UTF_8)) {
      status = handler.handle(request.get(), err);
    }
    LOG.info("pid {}: {} -> exit {}{}", peer.pid(), String.join(" ", request.get().args()), status,
        said.size() == 0 ? "" : ", " + said.toString(StandardCharsets.UTF_8).strip().replace('\n', ';'));
    ByteArrayOutputStream reply = new ByteArrayOutputStream();
    reply.writeBytes((status + "\n").getBytes(StandardCharsets.US_ASCII));
    reply.writeBytes(said.toByteArray());
    c.sendQuietly(reply.toByteArray());
  }

  /** Stops accepting and removes the socket. */
  @Override
  public void close() {
    loop.close();
  }
}
