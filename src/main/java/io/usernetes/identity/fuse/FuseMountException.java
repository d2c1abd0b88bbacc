package io.usernetes.identity.fuse;

/** libfuse could not mount the file system or start its session; the message says which. */
public final class FuseMountException extends Exception {
  public FuseMountException(String message) {
    super(message);
  }
}
