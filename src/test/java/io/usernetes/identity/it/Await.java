package io.usernetes.identity.it;

import java.time.Duration;

/**
 * Waiting on a condition itself instead of sleeping for a while: polls it until it holds, and
 * fails naming what never happened once the deadline passes. The only sleep is the poll
 * interval, so a fast machine goes on at once and a slow one is given the whole deadline.
 */
final class Await {
  private static final long POLL_MILLIS = 10;

  private Await() {}

  interface Condition {
    boolean holds() throws Exception;
  }

  /** Returns once {@code condition} holds; an AssertionError after {@code timeout}. */
  static void until(String what, Duration timeout, Condition condition) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what);
      }
      Thread.sleep(POLL_MILLIS);
    }
  }
}
