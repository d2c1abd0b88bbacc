package io.usernetes.identity.supervisor;

import io.usernetes.identity.declared.AccountFile;
import io.usernetes.identity.declared.FileVersion;
import io.usernetes.identity.declared.HostIdResolver;
import io.usernetes.identity.idmap.IdMap;
import io.usernetes.identity.kernel.Attributes;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Fd;
import io.usernetes.identity.kernel.FileData;
import io.usernetes.identity.kernel.Open;
import io.usernetes.identity.kernel.OpenFlags;
import io.usernetes.identity.kernel.Stat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The users and groups a container's image declares, read from its root ({@code /proc/TID/root})
 * and turned into the resolvers the mount program uses too ({@link HostIdResolver}).
 *
 * <p>The root belongs to the container, which is untrusted: {@code etc/passwd} and {@code
 * etc/group} are looked at beneath it with {@code O_PATH} and no symlink followed anywhere (a
 * symlink, even one pointing inside, makes the file count as absent); only once {@code statx}
 * says a regular file of at most {@value #MAX_SIZE} bytes is it opened for reading, through that
 * descriptor ({@link Open#reopen}), so a FIFO, a device node or a socket planted there is never
 * opened by root. The {@link FileVersion}s of both files are kept: {@link #isCurrent} tells with
 * a {@code statx} each whether they must be read again.
 */
public record ImageDeclarations(HostIdResolver users, HostIdResolver groups, int userCount,
    int groupCount, List<FileVersion> versions, List<String> warnings) {
  /** The same cap as the mount program's: an account file that big is not describing users. */
  static final int MAX_SIZE = 4 << 20;
  private static final byte[] PASSWD = "etc/passwd".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] GROUP = "etc/group".getBytes(StandardCharsets.US_ASCII);

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
    Content passwdText = content(root, PASSWD, warnings);
    Content groupText = content(root, GROUP, warnings);
    AccountFile passwd = AccountFile.parse(AccountFile.Kind.PASSWD, passwdText.text());
    AccountFile group = AccountFile.parse(AccountFile.Kind.GROUP, groupText.text());
    warnings.addAll(passwd.warnings());
    warnings.addAll(group.warnings());
    return new ImageDeclarations(HostIdResolver.of(uidMap, passwd.accounts()),
        HostIdResolver.of(gidMap, group.accounts()), passwd.accounts().size(), group.accounts().size(),
        List.of(passwdText.version(), groupText.version()), warnings);
  }

  /** True while {@code etc/passwd} and {@code etc/group} beneath {@code root} are the versions these were read from. */
  public boolean isCurrent(Fd root) {
    return versions.equals(List.of(version(root, PASSWD), version(root, GROUP)));
  }

  private static FileVersion version(Fd root, byte[] path) {
    try (Fd f = Open.beneath(root, path, OpenFlags.O_PATH, 0)) {
      return FileVersion.of(Attributes.statx(f));
    } catch (ErrnoException e) {
      return FileVersion.NONE;
    }
  }

  /** A file's text ("" when it is not read) and the version it was read at. */
  private record Content(String text, FileVersion version) {}

  /** The file's text, or "" (with a warning unless it simply does not exist). */
  private static Content content(Fd root, byte[] path, List<String> warnings) {
    String shown = "/" + new String(path, StandardCharsets.US_ASCII);
    FileVersion version = FileVersion.NONE;
    try (Fd name = Open.beneath(root, path, OpenFlags.O_PATH, 0)) {
      Stat st = Attributes.statx(name);
      version = FileVersion.of(st);
      if (st.type() == Stat.S_IFLNK) {
        warnings.add(shown + " is a symlink, ignored");
        return new Content("", version);
      }
      if (st.type() != Stat.S_IFREG) {
        warnings.add(shown + " is not a regular file, ignored");
        return new Content("", version);
      }
      if (st.size() > MAX_SIZE) {
        warnings.add(shown + " is larger than " + MAX_SIZE + " bytes, ignored");
        return new Content("", version);
      }
      try (Fd f = Open.reopen(name, OpenFlags.O_RDONLY)) {
        byte[] buf = new byte[(int) st.size() + 1];
        int total = 0;
        int r;
        while (total < buf.length && (r = FileData.pread(f, buf, total, buf.length - total, total)) > 0) {
          total += r;
        }
        if (total > st.size()) {
          warnings.add(shown + " grew while it was read, ignored");
          return new Content("", version);
        }
        return new Content(new String(buf, 0, total, StandardCharsets.ISO_8859_1), version);
      }
    } catch (ErrnoException e) {
      if (e.errno() != ErrnoException.ENOENT) {
        warnings.add(shown + " not read (" + ErrnoException.describe(e.errno())
            + (e.errno() == ErrnoException.ELOOP ? ": a symlink" : "") + ")");
      }
      return new Content("", version);
    }
  }
}
