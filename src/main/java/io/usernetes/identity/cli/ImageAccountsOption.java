package io.usernetes.identity.cli;

import io.usernetes.identity.declared.AccountFile;
import io.usernetes.identity.declared.PoolView;
import io.usernetes.identity.idmap.IdMap;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --passwd}/{@code --group}: the image's account files, so that a layer committed from a
 * container whose image declares colliding ids is judged as the mount showed it there (the
 * moved id's pool id in the override, its true id in the record; see {@link PoolView}).
 */
final class ImageAccountsOption {
  @Option(names = "--passwd", paramLabel = "FILE",
      description = "The image's /etc/passwd: a uid record that names a user moved off a shared "
          + "pool id in a container (the lower of two keeps it) is that user's there, not drifted.")
  Path passwd;

  @Option(names = "--group", paramLabel = "FILE", description = "The same for gids: the image's /etc/group.")
  Path group;

  PoolView uids(IdMap map, PrintWriter err) {
    return passwd == null ? PoolView.none(map) : PoolView.of(map, AccountFiles.read(AccountFile.Kind.PASSWD, passwd, err).accounts());
  }

  PoolView gids(IdMap map, PrintWriter err) {
    return group == null ? PoolView.none(map) : PoolView.of(map, AccountFiles.read(AccountFile.Kind.GROUP, group, err).accounts());
  }
}
