package io.usernetes.identity.mount;

import io.usernetes.identity.declared.AccountFile;
import io.usernetes.identity.declared.HostIdResolver;
import io.usernetes.identity.idmap.IdMap;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Fd;
import io.usernetes.identity.kernel.FileData;
import io.usernetes.identity.kernel.Open;
import io.usernetes.identity.kernel.OpenFlags;
import io.usernetes.identity.layers.LayerStack;
import io.usernetes.identity.layers.MergedPath;
import io.usernetes.identity.layers.Node;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The users and groups the mounted image declares ({@code /etc/passwd}, {@code /etc/group} as
 * the merged tree shows them), read through the layers without following symlinks. Host mode
 * records a new file's true owner only when these name it without ambiguity.
 */
public final class ImageAccounts {
  private static final Logger LOG = LoggerFactory.getLogger(ImageAccounts.class);
  /** Larger account files are not read: an image that big is not describing its users. */
  private static final int MAX_SIZE = 4 << 20;

  private ImageAccounts() {}

  public static HostIdResolver resolver(LayerStack stack, IdMap map, AccountFile.Kind kind) {
    String file = kind == AccountFile.Kind.PASSWD ? "etc/passwd" : "etc/group";
    String content = read(stack, file.getBytes(StandardCharsets.US_ASCII));
    AccountFile accounts = AccountFile.parse(kind, content);
    accounts.warnings().forEach(w -> LOG.warn("/{}: {}", file, w));
    HostIdResolver resolver = HostIdResolver.of(map, accounts.accounts());
    LOG.info("/{} declares {} ids", file, accounts.accounts().size());
    return resolver;
  }

  private static String read(LayerStack stack, byte[] path) {
    try {
      Node n = stack.lookup(path);
      if (n.type() != io.usernetes.identity.kernel.Stat.S_IFREG) {
        return "";
      }
      try (Fd dir = stack.dir(n.layer(), MergedPath.parent(path));
          Fd f = Open.openat(dir, MergedPath.name(path), OpenFlags.O_RDONLY, 0)) {
        byte[] buf = new byte[MAX_SIZE];
        int total = 0;
        int r;
        while (total < buf.length && (r = FileData.pread(f, buf, total, buf.length - total, total)) > 0) {
          total += r;
        }
        return new String(buf, 0, total, StandardCharsets.ISO_8859_1);
      }
    } catch (ErrnoException e) {
      LOG.debug("no /{}: {}", new String(path, StandardCharsets.ISO_8859_1), e.getMessage());
      return "";
    }
  }
}
