package io.usernetes.identity.cli;

/** Bad input from the person at the keyboard: printed as one line, exit status 2. */
public final class UsageError extends RuntimeException {
  public UsageError(String message) {
    super(message);
  }
}
