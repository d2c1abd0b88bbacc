package io.usernetes.identity.daemon;

import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.notify.PeerCredentials;
import io.usernetes.identity.kernel.notify.UnixConnection;
import io.usernetes.identity.kernel.notify.UnixServerSocket;
import java.util.concurrent.Semaphore;
import java.util.function.BiConsumer;
import org.slf4j.Logger;

/**
 * The accept loop of a daemon's unix socket: each connection is handled, with its peer's
 * {@code SO_PEERCRED}, on a daemon thread of its own named {@code PREFIX-PID}, so that a slow or
 * silent peer delays no other; at most {@code concurrent} at a time (more wait in the socket's
 * backlog); closed when its handler returns or throws. A peer without credentials is refused.
 */
public final class AcceptLoop implements AutoCloseable {
  private final UnixServerSocket server;
  private final String socket;
  private final Logger log;
  private volatile boolean closed;

  /** @param socket the socket's path, for the log */
  public AcceptLoop(UnixServerSocket server, String socket, Logger log) {
    this.server = server;
    this.socket = socket;
    this.log = log;
  }

  /**
   * Accepts until {@link #close}. A failing {@code accept} (EMFILE and friends) is logged and
   * tried again 100 ms later, not in a spin.
   */
  public void run(int concurrent, String threadPrefix, BiConsumer<UnixConnection, PeerCredentials> handler) {
    Semaphore slots = new Semaphore(concurrent);
    while (!closed) {
      UnixConnection connection;
      try {
        connection = server.accept();
      } catch (ErrnoException e) {
        if (closed) {
          return;
        }
        log.error("accept on {}: {}", socket, e.getMessage());
        pause();
        continue;
      }
      PeerCredentials peer;
      try {
        peer = connection.peer();
      } catch (ErrnoException | RuntimeException e) {
        log.warn("refused a connection on {}: no peer credentials ({})", socket, e.getMessage());
        closeQuietly(connection);
        continue;
      }
      try {
        slots.acquire();
      } catch (InterruptedException e) {
        closeQuietly(connection);
        Thread.currentThread().interrupt();
        return;
      }
      Thread t = new Thread(() -> {
        try (UnixConnection c = connection) {
          handler.accept(c, peer);
        } catch (ErrnoException | RuntimeException e) {
          log.error("connection on {} failed", socket, e);
        } finally {
          slots.release();
        }
      }, threadPrefix + "-" + peer.pid());
      t.setDaemon(true);
      t.start();
    }
  }

  /** Stops accepting (a thread blocked in {@code accept} wakes) and removes the socket. */
  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (ErrnoException e) {
      log.warn("closing {}: {}", socket, e.getMessage());
    }
  }

  private static void closeQuietly(UnixConnection c) {
    try {
      c.close();
    } catch (ErrnoException ignored) {
      // an accepted socket: nothing to flush
    }
  }

  private static void pause() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
