package io.usernetes.identity.idmap;

/** A uid/gid map spec that cannot be used; the message says exactly what is wrong with it. */
public final class InvalidIdMapException extends IllegalArgumentException {
  public InvalidIdMapException(String message) {
    super(message);
  }
}
