package io.usernetes.identity.layers;

import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Fd;
import io.usernetes.identity.kernel.Xattrs;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the layers below find a directory the kernel overlay renamed with {@code redirect_dir=on}:
 * {@code trusted.overlay.redirect} (or {@code user.overlay.redirect}, mounted with {@code
 * userxattr}) on the directory in a higher layer. An absolute value ({@code /a/old}) is a path
 * from the root of the layers below; a relative one is a name in the same parent directory.
 *
 * <p>The value comes from the image and is checked as the kernel checks it, and more: no empty
 * component, no {@code .} or {@code ..}, no reserved {@code .wh.} name, none longer than a
 * name can be, a name without {@code /}. Anything else is ignored (logged): the directory then reads as if it had no redirect.
 *
 * @param absolute true for a path from the root, false for a name in the same parent
 * @param path the path without its leading {@code /} (a {@link MergedPath}), or the name
 */
public record Redirect(boolean absolute, byte[] path) {
  private static final Logger LOG = LoggerFactory.getLogger(Redirect.class);
  private static final byte[][] XATTRS = {
      "trusted.overlay.redirect".getBytes(StandardCharsets.US_ASCII),
      "user.overlay.redirect".getBytes(StandardCharsets.US_ASCII)};
  /** Linux's NAME_MAX: no layer holds a longer name, and a lookup of one would fail, not miss. */
  private static final int NAME_MAX = 255;

  /**
   * The redirect of directory {@code name} in {@code parent}; null when it has none or a bad one.
   * {@code where} names the directory in the log (made only then).
   */
  static Redirect read(Fd parent, byte[] name, Supplier<String> where) throws ErrnoException {
    for (byte[] xattr : XATTRS) {
      byte[] value;
      try {
        value = Xattrs.getAtOrNull(parent, name, xattr);
      } catch (ErrnoException e) {
        if (e.errno() != ErrnoException.EOPNOTSUPP && e.errno() != ErrnoException.EPERM) {
          throw e;
        }
        continue; // trusted.* unreadable here, or no xattrs at all: nothing to follow
      }
      if (value != null) {
        Redirect r = parse(value);
        if (r == null) {
          LOG.warn("ignored the malformed {} \"{}\" of {}", new String(xattr, StandardCharsets.US_ASCII),
              MergedPath.show(value).substring(1), where.get());
        }
        return r;
      }
    }
    return null;
  }

  /**
   * Gives directory {@code name} in the upper layer's {@code parent} this redirect, in
   * {@code trusted.overlay.redirect} where allowed, else {@code user.overlay.redirect}, as the
   * kernel overlay with and without {@code userxattr} reads it.
   */
  public void write(Fd parent, byte[] name) throws ErrnoException {
    byte[] value = new byte[path.length + (absolute ? 1 : 0)];
    if (absolute) {
      value[0] = '/';
    }
    System.arraycopy(path, 0, value, absolute ? 1 : 0, path.length);
    try {
      Xattrs.setAt(parent, name, XATTRS[0], value, 0);
    } catch (ErrnoException e) {
      if (e.errno() != ErrnoException.EPERM && e.errno() != ErrnoException.EOPNOTSUPP) {
        throw e;
      }
      Xattrs.setAt(parent, name, XATTRS[1], value, 0);
    }
  }

  /** The redirect an xattr value names, or null when it is not a valid one. */
  static Redirect parse(byte[] value) {
    int end = value.length;
    if (end > 0 && value[end - 1] == 0) {
      end--; // a value written with its terminating NUL
    }
    if (end == 0) {
      return null;
    }
    boolean absolute = value[0] == '/';
    byte[] path = Arrays.copyOfRange(value, absolute ? 1 : 0, end);
    int start = 0;
    for (int i = 0; i <= path.length; i++) {
      if (i == path.length || path[i] == '/') {
        if (!absolute && i < path.length || !validName(Arrays.copyOfRange(path, start, i))) {
          return null;
        }
        start = i + 1;
      }
    }
    return new Redirect(absolute, path);
  }

  private static boolean validName(byte[] name) {
    if (name.length == 0 || name.length > NAME_MAX || Arrays.equals(name, new byte[] {'.'}) || Arrays.equals(name, new byte[] {'.', '.'})
        || OverlayNames.isReserved(name)) {
      return false;
    }
    for (byte b : name) {
      if (b == 0) {
        return false;
      }
    }
    return true;
  }
}
