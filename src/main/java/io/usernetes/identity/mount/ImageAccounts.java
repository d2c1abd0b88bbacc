package io.usernetes.identity.mount;

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
import io.usernetes.identity.layers.LayerStack;
import io.usernetes.identity.layers.MergedPath;
import io.usernetes.identity.layers.Node;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The users or groups the mounted image declares ({@code /etc/passwd}, {@code /etc/group} as the
 * merged tree shows them), read through the layers without following symlinks. Host mode records
 * a new file's true owner only when these name it without ambiguity.
 *
 * <p>Read at first use and again whenever the file is another version ({@link FileVersion}: one
 * lookup and one {@code statx} per use), so a build's {@code useradd app && chown app f} records
 * the new user's id.
 */
public final class ImageAccounts implements Supplier<HostIdResolver> {
  private static final Logger LOG = LoggerFactory.getLogger(ImageAccounts.class);
  /** Larger account files are not read: an image that big is not describing its users. */
  private static final int MAX_SIZE = 4 << 20;

  private final LayerStack stack;
  private final IdMap map;
  private final AccountFile.Kind kind;
  private final byte[] path;
  private FileVersion version;
  private HostIdResolver resolver;

  public ImageAccounts(LayerStack stack, IdMap map, AccountFile.Kind kind) {
    this.stack = stack;
    this.map = map;
    this.kind = kind;
    this.path = (kind == AccountFile.Kind.PASSWD ? "etc/passwd" : "etc/group").getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public synchronized HostIdResolver get() {
    String name = new String(path, StandardCharsets.US_ASCII);
    try {
      Node n = lookupOrNull();
      if (n == null || n.type() != Stat.S_IFREG) {
        return reread(FileVersion.NONE, "", name);
      }
      try (Fd dir = stack.dir(n.layer(), MergedPath.parent(path))) {
        FileVersion now = FileVersion.of(Attributes.statx(dir, MergedPath.name(path)));
        if (resolver != null && now.equals(version)) {
          return resolver;
        }
        try (Fd f = Open.openat(dir, MergedPath.name(path), OpenFlags.O_RDONLY | OpenFlags.O_NOFOLLOW
            | OpenFlags.O_NONBLOCK | OpenFlags.O_CLOEXEC, 0)) {
          return reread(now, read(f), name);
        }
      }
    } catch (ErrnoException e) {
      LOG.debug("cannot read /{}: {}", name, e.getMessage());
      return resolver != null ? resolver : reread(FileVersion.NONE, "", name);
    }
  }

  private Node lookupOrNull() throws ErrnoException {
    try {
      return stack.lookup(path);
    } catch (ErrnoException e) {
      if (e.errno() == ErrnoException.ENOENT || e.errno() == ErrnoException.ENOTDIR) {
        return null;
      }
      throw e;
    }
  }

  /** The resolver for {@code content}, read at {@code now}; the one already made if that is the version. */
  private HostIdResolver reread(FileVersion now, String content, String name) {
    if (resolver != null && now.equals(version)) {
      return resolver;
    }
    AccountFile accounts = AccountFile.parse(kind, content);
    accounts.warnings().forEach(w -> LOG.warn("/{}: {}", name, w));
    resolver = HostIdResolver.of(map, accounts.accounts());
    version = now;
    LOG.info("/{} declares {} ids", name, accounts.accounts().size());
    return resolver;
  }

  private static String read(Fd f) throws ErrnoException {
    byte[] buf = new byte[MAX_SIZE];
    int total = 0;
    int r;
    while (total < buf.length && (r = FileData.pread(f, buf, total, buf.length - total, total)) > 0) {
      total += r;
    }
    return new String(buf, 0, total, StandardCharsets.ISO_8859_1);
  }
}
