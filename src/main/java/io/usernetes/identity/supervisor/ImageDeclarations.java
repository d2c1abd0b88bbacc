package io.usernetes.identity.supervisor;

import io.usernetes.identity.declared.AccountFile;
import io.usernetes.identity.declared.FileVersion;
import io.usernetes.identity.declared.HostIdResolver;
import io.usernetes.identity.declared.RootfsAccountFile;
import io.usernetes.identity.idmap.IdMap;
import io.usernetes.identity.kernel.Fd;
import java.util.ArrayList;
import java.util.List;

/**
 * The users and groups a container's image declares, read from its root ({@code /proc/TID/root})
 * and turned into the resolvers the mount program uses too ({@link HostIdResolver}).
 *
 * <p>The root belongs to the container, which is untrusted: the files are read as {@link
 * RootfsAccountFile} reads them, never following a symlink, never opening anything but a regular
 * file. The {@link FileVersion}s of both files are kept: {@link #isCurrent} tells with
 * a {@code statx} each whether they must be read again.
 */
public record ImageDeclarations(HostIdResolver users, HostIdResolver groups, int userCount,
    int groupCount, List<FileVersion> versions, List<String> warnings) {
  public ImageDeclarations {
    versions = List.copyOf(versions);
    warnings = List.copyOf(warnings);
  }

  /** No declarations: every id resolves to itself (or its pinned id). */
  public static ImageDeclarations none(IdMap uidMap, IdMap gidMap) {
    return new ImageDeclarations(HostIdResolver.of(uidMap, List.of()), HostIdResolver.of(gidMap, List.of()),
        0, 0, List.of(FileVersion.NONE, FileVersion.NONE), List.of());
  }

  public static ImageDeclarations read(Fd root, IdMap uidMap, IdMap gidMap) {
    List<String> warnings = new ArrayList<>();
    RootfsAccountFile passwd = RootfsAccountFile.read(root, AccountFile.Kind.PASSWD, warnings);
    RootfsAccountFile group = RootfsAccountFile.read(root, AccountFile.Kind.GROUP, warnings);
    return new ImageDeclarations(HostIdResolver.inContainer(uidMap, passwd.file().accounts()),
        HostIdResolver.inContainer(gidMap, group.file().accounts()), passwd.file().accounts().size(),
        group.file().accounts().size(), List.of(passwd.version(), group.version()), warnings);
  }

  /** True while {@code etc/passwd} and {@code etc/group} beneath {@code root} are the versions these were read from. */
  public boolean isCurrent(Fd root) {
    return versions.equals(List.of(RootfsAccountFile.version(root, AccountFile.Kind.PASSWD),
        RootfsAccountFile.version(root, AccountFile.Kind.GROUP)));
  }
}
