package io.usernetes.identity.cli;

/** The exit statuses every program of this project uses. */
public final class ExitCodes {
  /** Everything worked and nothing was wrong. */
  public static final int OK = 0;
  /** It worked and found something the caller should look at (collisions, drifted records…). */
  public static final int FOUND = 1;
  /** Bad input: an unknown id, an unreadable file, a bad spec or option. */
  public static final int USAGE = 2;

  private ExitCodes() {}
}
