package io.usernetes.identity.ownership;

/** A uid and gid pair, in whichever id space the caller says. */
public record Owner(long uid, long gid) {
  @Override
  public String toString() {
    return uid + ":" + gid;
  }
}
