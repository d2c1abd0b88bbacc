package io.usernetes.identity.cli;

/** Entry point of the {@code identity-map} launcher. */
public final class IdentityMapMain {
  private IdentityMapMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    System.setProperty("usernetes.default.map", io.usernetes.identity.idmap.IdMap.DEFAULT_SPEC);
    return ProgramCommandLine.create("identity-map", new IdentityMapCommand()).execute(args);
  }
}
