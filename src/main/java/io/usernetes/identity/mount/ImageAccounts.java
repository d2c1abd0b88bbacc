package io.usernetes.identity.mount;

import io.usernetes.identity.declared.AccountFile;
import io.usernetes.identity.declared.FileVersion;
import io.usernetes.identity.declared.HostIdResolver;
import io.usernetes.identity.declared.RootfsAccountFile;
import io.usernetes.identity.idmap.IdMap;
import io.usernetes.identity.kernel.Attributes;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Fd;
import io.usernetes.identity.kernel.Open;
import io.usernetes.identity.kernel.OpenFlags;
import io.usernetes.identity.kernel.Stat;
import io.usernetes.identity.layers.LayerStack;
import io.usernetes.identity.layers.MergedPath;
import io.usernetes.identity.layers.Node;
import io.usernetes.identity.ownership.DeclaredAccounts;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The users or groups the mounted image declares ({@code /etc/passwd}, {@code /etc/group} as the
 * merged tree shows them), read through the layers without following symlinks, under the same
 * rules as the runtime wrapper's ({@link RootfsAccountFile}): a regular file of at most {@value
 * RootfsAccountFile#MAX_SIZE} bytes. Host mode records a new file's true owner only when these
 * name it without ambiguity, and reports a colliding id where the container's {@link
 * io.usernetes.identity.declared.PoolView view} puts it.
 *
 * <p>Read at first use and again whenever the file is another version ({@link FileVersion}: one
 * lookup and one {@code statx} per {@link #current}), so a build's {@code useradd app && chown app
 * f} records the new user's id; getattr asks {@link #recent}, checked at most every second.
 */
public final class ImageAccounts implements DeclaredAccounts {
  private static final Logger LOG = LoggerFactory.getLogger(ImageAccounts.class);
  private static final long RECENT_NANOS = 1_000_000_000L;

  private final LayerStack stack;
  private final IdMap map;
  private final AccountFile.Kind kind;
  private final byte[] path;
  private FileVersion version;
  // read without the lock by recent(), on every getattr of a file that may have moved
  private volatile HostIdResolver resolver;
  private volatile long checkedAt;

  public ImageAccounts(LayerStack stack, IdMap map, AccountFile.Kind kind) {
    this.stack = stack;
    this.map = map;
    this.kind = kind;
    this.path = ("etc/" + kind.fileName()).getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public HostIdResolver recent() {
    HostIdResolver known = resolver;
    if (known != null && System.nanoTime() - checkedAt < RECENT_NANOS) {
      return known;
    }
    return current();
  }

  @Override
  public synchronized HostIdResolver current() {
    checkedAt = System.nanoTime();
    String name = new String(path, StandardCharsets.US_ASCII);
    try {
      Node n = lookupOrNull();
      if (n == null || n.type() != Stat.S_IFREG) {
        return reread(FileVersion.NONE, "", name);
      }
      try (Fd dir = stack.dir(n.layer(), n.layerParent())) {
        Stat st = Attributes.statx(dir, MergedPath.name(path));
        FileVersion now = FileVersion.of(st);
        if (resolver != null && now.equals(version)) {
          return resolver;
        }
        if (st.type() != Stat.S_IFREG || st.size() > RootfsAccountFile.MAX_SIZE) {
          LOG.warn("/{} is not a regular file of at most {} bytes, ignored", name, RootfsAccountFile.MAX_SIZE);
          return reread(now, "", name);
        }
        try (Fd f = Open.openat(dir, MergedPath.name(path), OpenFlags.O_RDONLY | OpenFlags.O_NOFOLLOW
            | OpenFlags.O_NONBLOCK | OpenFlags.O_CLOEXEC, 0)) {
          List<String> warnings = new ArrayList<>();
          String text = RootfsAccountFile.contentsOf(f, st.size(), "/" + name, warnings);
          warnings.forEach(w -> LOG.warn("{}", w));
          return reread(now, text, name);
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
    resolver = HostIdResolver.inContainer(map, accounts.accounts());
    version = now;
    LOG.info("/{} declares {} ids", name, accounts.accounts().size());
    resolver.view().moves().forEach(m -> LOG.info("/{}: {}", name, m));
    return resolver;
  }
}
