package io.usernetes.identity.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Whether a socket peer lives in this process's namespaces: a resident service may do a
 * request's work only where its paths (mount namespace) and ids (user namespace) mean what they
 * mean to the peer. Read from {@code /proc/PID/ns}, whose links name a namespace by its inode.
 */
public final class PeerNamespaces {
  private final List<String> kinds;
  private final List<String> own;

  /** @param kinds the namespaces that must match, e.g. {@code mnt} and {@code user} */
  public PeerNamespaces(List<String> kinds) throws IOException {
    this.kinds = List.copyOf(kinds);
    this.own = kinds.stream().map(k -> link("self", k)).toList();
    if (own.contains(null)) {
      throw new IOException("cannot read this process's namespaces " + kinds + " in /proc/self/ns");
    }
  }

  /** Why {@code pid}'s namespaces are not this process's, or empty when they all are. */
  public Optional<String> differing(long pid) {
    for (int i = 0; i < kinds.size(); i++) {
      String theirs = link(Long.toString(pid), kinds.get(i));
      if (theirs == null) {
        return Optional.of("its " + kinds.get(i) + " namespace cannot be read");
      }
      if (!theirs.equals(own.get(i))) {
        return Optional.of("another " + kinds.get(i) + " namespace (" + theirs + ", this is " + own.get(i) + ")");
      }
    }
    return Optional.empty();
  }

  private static String link(String pid, String kind) {
    try {
      return Files.readSymbolicLink(Path.of("/proc", pid, "ns", kind)).toString();
    } catch (IOException e) {
      return null;
    }
  }
}
