package io.usernetes.identity.config;

/** Where a setting's value came from, in rising precedence. */
public record Origin(Kind kind, String where) {
  public enum Kind {
    DEFAULT,
    FILE,
    ENVIRONMENT,
    FLAG
  }

  public static final Origin DEFAULT = new Origin(Kind.DEFAULT, "built-in default");

  @Override
  public String toString() {
    return kind == Kind.DEFAULT ? where : kind.name().toLowerCase(java.util.Locale.ROOT) + " " + where;
  }
}
