package io.usernetes.identity.declared;

import io.usernetes.identity.kernel.Attributes;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Fd;
import io.usernetes.identity.kernel.FileData;
import io.usernetes.identity.kernel.Open;
import io.usernetes.identity.kernel.OpenFlags;
import io.usernetes.identity.kernel.Stat;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code etc/passwd} or {@code etc/group} of a container's root, which is untrusted: looked at
 * beneath the root with {@code O_PATH} and no symlink followed anywhere (a symlink, even one
 * pointing inside, makes the file count as absent); only once {@code statx} says a regular file
 * of at most {@value #MAX_SIZE} bytes is it opened for reading, through that descriptor ({@link
 * Open#reopen}), so a FIFO, a device node or a socket planted there is never opened. Read by the
 * supervisor (through {@code /proc/TID/root}) and the runtime wrapper (the bundle's rootfs).
 *
 * @param version what the file was when it was read, to tell later whether it changed
 */
public record RootfsAccountFile(AccountFile file, FileVersion version) {
  /** The same cap as the mount program's: an account file that big is not describing users. */
  public static final int MAX_SIZE = 4 << 20;

  /** The file of {@code kind} beneath {@code root}; a problem is a warning and an empty file. */
  public static RootfsAccountFile read(Fd root, AccountFile.Kind kind, List<String> warnings) {
    byte[] path = path(kind);
    String shown = "/" + new String(path, StandardCharsets.US_ASCII);
    FileVersion version = FileVersion.NONE;
    String text = "";
    try (Fd name = Open.beneath(root, path, OpenFlags.O_PATH, 0)) {
      Stat st = Attributes.statx(name);
      version = FileVersion.of(st);
      if (st.type() == Stat.S_IFLNK) {
        warnings.add(shown + " is a symlink, ignored");
      } else if (st.type() != Stat.S_IFREG) {
        warnings.add(shown + " is not a regular file, ignored");
      } else if (st.size() > MAX_SIZE) {
        warnings.add(shown + " is larger than " + MAX_SIZE + " bytes, ignored");
      } else {
        text = contents(name, st.size(), shown, warnings);
      }
    } catch (ErrnoException e) {
      if (e.errno() != ErrnoException.ENOENT) {
        warnings.add(shown + " not read (" + ErrnoException.describe(e.errno())
            + (e.errno() == ErrnoException.ELOOP ? ": a symlink" : "") + ")");
      }
    }
    AccountFile file = AccountFile.parse(kind, text);
    warnings.addAll(file.warnings());
    return new RootfsAccountFile(file, version);
  }

  /** What the file of {@code kind} beneath {@code root} is now, for one {@code statx}. */
  public static FileVersion version(Fd root, AccountFile.Kind kind) {
    try (Fd f = Open.beneath(root, path(kind), OpenFlags.O_PATH, 0)) {
      return FileVersion.of(Attributes.statx(f));
    } catch (ErrnoException e) {
      return FileVersion.NONE;
    }
  }

  private static byte[] path(AccountFile.Kind kind) {
    return ("etc/" + kind.fileName()).getBytes(StandardCharsets.US_ASCII);
  }

  private static String contents(Fd name, long size, String shown, List<String> warnings) throws ErrnoException {
    try (Fd f = Open.reopen(name, OpenFlags.O_RDONLY)) {
      return contentsOf(f, size, shown, warnings);
    }
  }

  /**
   * The text of an open account file that {@code statx} said is {@code size} bytes (at most
   * {@value #MAX_SIZE}); empty, with a warning, if it grew meanwhile. The mount program reads its
   * image's files through this too, so the two never see different accounts.
   */
  public static String contentsOf(Fd readable, long size, String shown, List<String> warnings)
      throws ErrnoException {
    byte[] buf = new byte[(int) size + 1];
    int total = 0;
    int r;
    while (total < buf.length && (r = FileData.pread(readable, buf, total, buf.length - total, total)) > 0) {
      total += r;
    }
    if (total > size) {
      warnings.add(shown + " grew while it was read, ignored");
      return "";
    }
    return new String(buf, 0, total, StandardCharsets.ISO_8859_1);
  }
}
