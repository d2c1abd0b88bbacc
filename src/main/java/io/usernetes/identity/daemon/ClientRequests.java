package io.usernetes.identity.daemon;

import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.notify.PeerCredentials;
import io.usernetes.identity.kernel.notify.UnixConnection;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;

/**
 * What both resident services ({@code identity-runtime serve}, the mount service) do with a native
 * client's connection around the work. Every peer is untrusted: its {@code SO_PEERCRED} uid must
 * be allowed and its namespaces the service's before anything is read; its request is read to EOF
 * within {@value #TIMEOUT_MILLIS} ms and at most a given size. A peer the service should not
 * serve this way is answered {@code fallback}: its launcher then does the work in a JVM of its own.
 */
public final class ClientRequests {
  public static final String FALLBACK = "fallback";
  static final long TIMEOUT_MILLIS = 10_000;

  private final Set<Long> allowedUids;
  private final PeerNamespaces namespaces;
  private final int maxBytes;
  private final Logger log;

  public ClientRequests(Set<Long> allowedUids, PeerNamespaces namespaces, int maxBytes, Logger log) {
    this.allowedUids = Set.copyOf(allowedUids);
    this.namespaces = namespaces;
    this.maxBytes = maxBytes;
    this.log = log;
  }

  /** The peer's request, parsed, when the service may serve it; empty once it was refused or told to fall back. */
  public <T> Optional<T> read(UnixConnection c, PeerCredentials peer, Function<byte[], Optional<T>> parse)
      throws ErrnoException {
    if (!allowedUids.contains(peer.uid())) {
      log.warn("refused a request from pid {} uid {}: the uids served are {}", peer.pid(), peer.uid(), allowedUids);
      return Optional.empty();
    }
    Optional<String> elsewhere = namespaces.differing(peer.pid());
    if (elsewhere.isPresent()) {
      log.info("pid {}: {}; its launcher does the work itself", peer.pid(), elsewhere.get());
      fallback(c);
      return Optional.empty();
    }
    UnixConnection.Received received = c.receive(maxBytes, data -> false,
        System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS));
    received.closeAll();
    Optional<T> request = received.tooLarge() ? Optional.empty() : parse.apply(received.data());
    if (request.isEmpty()) {
      log.warn("pid {}: not a request ({} bytes); its launcher does the work itself", peer.pid(), received.data().length);
      fallback(c);
    }
    return request;
  }

  /** Tells the client to do the work itself. */
  public static void fallback(UnixConnection c) {
    c.sendQuietly(line(FALLBACK));
  }

  public static byte[] line(String text) {
    return (text + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  /** What the work says on its stderr ({@link #err}), kept for the reply and for one log line. */
  public static final class Said implements AutoCloseable {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    public final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    /** The reply: the exit status on a line of its own, then what was said. */
    public byte[] reply(int status) {
      ByteArrayOutputStream reply = new ByteArrayOutputStream();
      reply.writeBytes(line(Integer.toString(status)));
      reply.writeBytes(bytes.toByteArray());
      return reply.toByteArray();
    }

    /** For the log line: nothing, or ", " and what was said, on one line. */
    public String forLog() {
      return bytes.size() == 0 ? "" : ", " + bytes.toString(StandardCharsets.UTF_8).strip().replace('\n', ';');
    }

    @Override
    public void close() {
      err.close();
    }
  }
}
