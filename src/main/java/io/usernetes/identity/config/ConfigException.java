package io.usernetes.identity.config;

/** A configuration that cannot be used; the message names the value and where it came from. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
