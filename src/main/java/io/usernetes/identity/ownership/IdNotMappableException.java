package io.usernetes.identity.ownership;

/** A chown or create to an id the view mapping cannot store: EINVAL, as the kernel would say. */
public final class IdNotMappableException extends RuntimeException {
  public IdNotMappableException(long id) {
    super("id " + id + " is outside uidmapping/gidmapping");
  }
}
