package io.usernetes.identity.cli;

import io.usernetes.identity.declared.AccountFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the passwd and group files given with {@code --passwd} and {@code --group}. */
final class AccountFiles {
  /** Larger than any real account file; guards against pointing the tool at a disk image. */
  private static final long MAX_SIZE = 64L << 20;

  private AccountFiles() {}

  static AccountFile read(AccountFile.Kind kind, Path file, PrintWriter err) {
    try {
      if (Files.size(file) > MAX_SIZE) {
        throw new UsageError(file + ": larger than " + (MAX_SIZE >> 20) + " MiB, not a "
            + kind.fileName() + " file");
      }
      // ISO-8859-1 maps every byte to one char, so any byte sequence parses without loss.
      AccountFile parsed = AccountFile.parse(kind, Files.readString(file, StandardCharsets.ISO_8859_1));
      for (String warning : parsed.warnings()) {
        err.println("identity-map: warning: " + file + ": " + warning);
      }
      err.flush();
      return parsed;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
