package io.usernetes.identity.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs {@code identity-map} in-process and keeps what it printed. */
record CliRun(int status, String out, String err) {
  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = IdentityMapMain.run(new PrintWriter(out), new PrintWriter(err), args);
    return new CliRun(status, out.toString(), err.toString());
  }
}
