package io.usernetes.identity.mount;

/** The mount cannot be set up; the message is the one line the caller sees. */
public final class MountSetupException extends Exception {
  public MountSetupException(String message) {
    super(message);
  }
}
