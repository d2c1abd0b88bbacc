package io.usernetes.identity.declared;

/** One account an image declares: a user in {@code /etc/passwd} or a group in {@code /etc/group}. */
public record DeclaredId(String name, long id) {
  @Override
  public String toString() {
    return id + " (" + name + ")";
  }
}
