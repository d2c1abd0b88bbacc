package io.usernetes.identity.supervisor;

import io.usernetes.identity.declared.AccountFile;
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
 * opened by root.
 */
public record ImageDeclarations(HostIdResolver users, HostIdResolver groups, int userCount,
    int groupCount, List<String> warnings) {
  /** The same cap as the mount program's: an account file that big is not describing users. */
  static final int MAX_SIZE = 4 << 20;
  private static final byte[] PASSWD = "etc/passwd".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] GROUP = "etc/group".getBytes(StandardCharsets.US_ASCII);

  public ImageDeclarations {
    warnings = List.copyOf(warnings);
  }

  /** No declarations: every id resolves to itself (or its pinned id). */
  public static ImageDeclarations none(IdMap uidMap, IdMap gidMap) {
    return new ImageDeclarations(HostIdResolver.of(uidMap, List.of()), HostIdResolver.of(gidMap, List.of()),
        0, 0, List.of());
  }

  public static ImageDeclarations read(Fd root, IdMap uidMap, IdMap gidMap) {
    List<String> warnings = new ArrayList<>();
    AccountFile passwd = AccountFile.parse(AccountFile.Kind.PASSWD, content(root, PASSWD, warnings));
    AccountFile group = AccountFile.parse(AccountFile.Kind.GROUP, content(root, GROUP, warnings));
    warnings.addAll(passwd.warnings());
    warnings.addAll(group.warnings());
    return new ImageDeclarations(HostIdResolver.of(uidMap, passwd.accounts()),
        HostIdResolver.of(gidMap, group.accounts()), passwd.accounts().size(), group.accounts().size(),
        warnings);
  }

  /** The file's text, or "" (with a warning unless it simply does not exist). */
  private static String content(Fd root, byte[] path, List<String> warnings) {
    String shown = "/" + new String(path, StandardCharsets.US_ASCII);
    try (Fd name = Open.beneath(root, path, OpenFlags.O_PATH, 0)) {
      Stat st = Attributes.statx(name);
      if (st.type() == Stat.S_IFLNK) {
        warnings.add(shown + " is a symlink, ignored");
        return "";
      }
      if (st.type() != Stat.S_IFREG) {
        warnings.add(shown + " is not a regular file, ignored");
        return "";
      }
      if (st.size() > MAX_SIZE) {
        warnings.add(shown + " is larger than " + MAX_SIZE + " bytes, ignored");
        return "";
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
          return "";
        }
        return new String(buf, 0, total, StandardCharsets.ISO_8859_1);
      }
    } catch (ErrnoException e) {
      if (e.errno() != ErrnoException.ENOENT) {
        warnings.add(shown + " not read (" + ErrnoException.describe(e.errno())
            + (e.errno() == ErrnoException.ELOOP ? ": a symlink" : "") + ")");
      }
      return "";
    }
  }
}
