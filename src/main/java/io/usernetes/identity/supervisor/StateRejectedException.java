package io.usernetes.identity.supervisor;

/** A container-process-state message that cannot be used; the message says why, in one line. */
public final class StateRejectedException extends Exception {
  public StateRejectedException(String message) {
    super(message);
  }

  /** An expected answer to bad input, not a bug: no stack trace. */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
