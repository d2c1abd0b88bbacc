package io.usernetes.identity.cli;

import io.usernetes.identity.kernel.Printable;
import io.usernetes.identity.ownership.Unreadable;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Turns file errors (the JDK's exceptions, the kernel's errnos) into the short sentences a person expects. */
public final class IoMessages {
  private IoMessages() {}

  /** {@code PATH: reason}, the path shown as {@link Printable#shown} shows names. */
  public static String describe(Unreadable entry) {
    return Printable.shown(entry.path()) + ": " + entry.reason();
  }

  public static String describe(IOException e) {
    if (e instanceof NoSuchFileException n) {
      return n.getFile() + ": no such file or directory";
    }
    if (e instanceof AccessDeniedException a) {
      return a.getFile() + ": permission denied";
    }
    if (e instanceof NotDirectoryException n) {
      return n.getFile() + ": not a directory";
    }
    if (e instanceof FileSystemException f && f.getFile() != null) {
      return f.getFile() + ": " + (f.getReason() == null ? "cannot access" : f.getReason());
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }
}
