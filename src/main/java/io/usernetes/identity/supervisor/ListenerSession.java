package io.usernetes.identity.supervisor;

import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.KernelFallback;
import io.usernetes.identity.kernel.KernelRelease;
import io.usernetes.identity.kernel.notify.Notification;
import io.usernetes.identity.kernel.notify.Response;
import io.usernetes.identity.kernel.notify.SeccompListener;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one listener fd on its own platform thread until its filter has no users left, then
 * closes it: poll, RECV, answer, SEND.
 *
 * <p>Before 6.11 a RECV on a filter whose tasks are gone blocks forever, so RECV is called only
 * after poll reported the fd readable. Since 6.11 RECV itself returns ENOENT once the filter has
 * no users, so the loop blocks in RECV and saves a system call per notification. ENOENT from RECV
 * is either a withdrawn notification or that end: a zero-timeout poll that shows POLLHUP tells
 * which. A blocking native call
 * must not run on a virtual thread (it would pin the carrier), hence a platform thread each.
 *
 * <p>The pure identity calls go through {@link NotificationHandler#fast} and {@link
 * SeccompListener#sendValue}: nothing is allocated per notification on that path.
 */
final class ListenerSession implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(ListenerSession.class);
  /**
   * Kernel commit 95036a79e7b5, "interrupt SECCOMP_IOCTL_NOTIF_RECV when all users have exited";
   * {@link KernelFallback#POLL} takes the older kernels' path anyway.
   */
  private static final boolean RECV_ENDS_WITH_FILTER =
      !KernelFallback.POLL.forced() && KernelRelease.running().atLeast(6, 11);

  private final String container;
  private final SeccompListener listener;
  private final NotificationHandler handler;
  private final Runnable onEnd;
  private long answered;
  private long continued;
  private long gone;

  ListenerSession(String container, SeccompListener listener, NotificationHandler handler, Runnable onEnd) {
    this.container = container;
    this.listener = listener;
    this.handler = handler;
    this.onEnd = onEnd;
  }

  @Override
  public void run() {
    long started = System.nanoTime();
    String end = "its filter has no users left";
    try {
      serve();
    } catch (ErrnoException | RuntimeException e) {
      end = "error: " + e.getMessage();
      LOG.error("container {}: listener {} failed", container, listener.fd(), e);
    } finally {
      handler.close();
      try {
        listener.close();
      } catch (ErrnoException e) {
        LOG.warn("container {}: closing {}: {}", container, listener.fd(), e.getMessage());
      }
      // recv= and credentials= name the paths this session took (old kernels, or forced: KernelFallback)
      LOG.info("detach container={} reason=\"{}\" answered={} continued={} gone={} seconds={} recv={} credentials={}",
          container, end, answered, continued, gone,
          String.format(java.util.Locale.ROOT, "%.3f", (System.nanoTime() - started) / 1e9),
          RECV_ENDS_WITH_FILTER ? "blocking" : "poll", handler.readsPidfds() ? "pidfd" : "proc");
      onEnd.run();
    }
  }

  private void serve() throws ErrnoException {
    while (true) {
      if (!RECV_ENDS_WITH_FILTER) {
        SeccompListener.Readiness r = listener.poll(-1);
        if (r == SeccompListener.Readiness.HUNG_UP) {
          return;
        }
        if (r != SeccompListener.Readiness.READY) {
          continue;
        }
      }
      if (!listener.receive()) {
        if (listener.poll(0) == SeccompListener.Readiness.HUNG_UP) {
          return;
        }
        continue;
      }
      long id = listener.id();
      long value;
      try {
        value = handler.fast(id, listener.tid(), listener.arch(), listener.nr());
      } catch (ErrnoException | RuntimeException e) {
        LOG.error("container {}: {}: answering failed, CONTINUE", container, listener.notification(), e);
        value = NotificationHandler.NOT_FAST;
      }
      if (value >= 0) { // the allocation-free path: no record, no Optional
        if (listener.sendValue(id, value)) {
          answered++;
        } else {
          gone++;
        }
        continue;
      }
      if (value == NotificationHandler.GONE) {
        gone++;
        continue;
      }
      Notification n = listener.notification();
      Optional<Response> response;
      try {
        response = handler.handle(n);
      } catch (ErrnoException | RuntimeException e) {
        LOG.error("container {}: {}: answering failed, CONTINUE", container, n, e);
        response = Optional.of(Response.continueCall(n.id()));
      }
      if (response.isEmpty()) {
        gone++;
      } else if (!listener.send(response.get())) {
        gone++;
        LOG.debug("container {}: {}: the caller went away before the answer", container, n);
      } else if (response.get().isContinue()) {
        continued++;
      } else {
        answered++;
      }
    }
  }
}
