package io.usernetes.identity.cli;

import io.usernetes.identity.idmap.Ids;
import io.usernetes.identity.idmap.UserNamespaceMap;
import io.usernetes.identity.ownership.LayerNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The user namespace rootless podman makes for a user, from the host's own account files: its
 * uid (gid) is 0 there, and its {@code /etc/subuid} ({@code /etc/subgid}) range is 1 onwards —
 * for {@code hpcuser:200000:2001}, {@code 0 1001 1} and {@code 1 200000 2001}.
 */
final class SubordinateIds {
  private SubordinateIds() {}

  /** @throws UsageError naming what is missing, when the user or their range is not there */
  static LayerNamespace of(String user, Path passwd, Path subuid, Path subgid) throws IOException {
    String[] account = account(user, passwd);
    String name = account[0];
    long uid = Ids.parseOrThrow(account[2], passwd + " uid of " + name);
    long gid = Ids.parseOrThrow(account[3], passwd + " gid of " + name);
    return new LayerNamespace(map(uid, range(name, uid, subuid)), map(gid, range(name, uid, subgid)));
  }

  private static String[] account(String user, Path passwd) throws IOException {
    OptionalLong byUid = Ids.parse(user);
    for (String line : Files.readAllLines(passwd, StandardCharsets.ISO_8859_1)) {
      String[] f = line.split(":", -1);
      if (f.length >= 4 && (f[0].equals(user) || byUid.isPresent() && f[2].equals(user))) {
        return f;
      }
    }
    throw new UsageError("no user " + user + " in " + passwd);
  }

  /** {@code START COUNT} of the user's first range, by name or by uid. */
  private static long[] range(String name, long uid, Path file) throws IOException {
    for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
      String[] f = line.split(":", -1);
      if (f.length == 3 && (f[0].equals(name) || f[0].equals(Long.toString(uid)))) {
        OptionalLong start = Ids.parse(f[1]);
        OptionalLong count = Ids.parse(f[2]);
        if (start.isPresent() && count.isPresent() && count.getAsLong() > 0) {
          return new long[] {start.getAsLong(), count.getAsLong()};
        }
      }
    }
    throw new UsageError(name + " has no subordinate ids in " + file);
  }

  private static UserNamespaceMap map(long own, long[] range) {
    return UserNamespaceMap.parse("0 " + own + " 1\n1 " + range[0] + " " + range[1] + "\n");
  }
}
