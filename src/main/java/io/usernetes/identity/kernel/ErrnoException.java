package io.usernetes.identity.kernel;

import java.io.IOException;

/**
 * A system call failed with {@link #errno()}: the one exception this package throws, so the FUSE
 * adapter can map every failure to {@code -errno} in one place.
 *
 * <p>The message names the call and its file names, quoted byte-exactly (bytes other than
 * printable ASCII as {@code \xNN}), then the C library's English description of the error:
 * {@code openat("a/b"): No such file or directory}. It is built only when asked for, because
 * layer lookups fail with {@link #ENOENT} far more often than anyone reads the message.
 *
 * <p>The constants are the Linux values, which are the same on x86_64 and aarch64.
 */
public final class ErrnoException extends IOException {
  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int EINTR = 4;
  public static final int EIO = 5;
  public static final int EBADF = 9;
  public static final int ENOMEM = 12;
  public static final int EACCES = 13;
  public static final int EBUSY = 16;
  public static final int EEXIST = 17;
  public static final int EXDEV = 18;
  public static final int ENOTDIR = 20;
  public static final int EISDIR = 21;
  public static final int EINVAL = 22;
  public static final int EMFILE = 24;
  public static final int ENOSPC = 28;
  public static final int EROFS = 30;
  public static final int ERANGE = 34;
  public static final int ENAMETOOLONG = 36;
  public static final int ENOSYS = 38;
  public static final int ENOTEMPTY = 39;
  public static final int ELOOP = 40;
  public static final int ENODATA = 61;
  /** Copy-up skips xattrs the backing file system cannot represent (e.g. an unmapped rootid). */
  public static final int EOVERFLOW = 75;
  public static final int EOPNOTSUPP = 95;
  /** A FUSE request names a node the daemon no longer knows. */
  public static final int ESTALE = 116;
  public static final int ENOTSUP = EOPNOTSUPP;

  private final int errno;
  private final String call;
  private final byte[][] names;

  /**
   * @param errno the error number
   * @param call the system call (or operation) that failed, e.g. {@code "openat"}
   * @param names the file or attribute names the call was given, if any
   */
  public ErrnoException(int errno, String call, byte[]... names) {
    this.errno = errno;
    this.call = call;
    this.names = names.clone();
  }

  public int errno() {
    return errno;
  }

  /**
   * No stack trace: an errno is an answer, not a bug (ENOENT on a lookup is the common case), and
   * the FUSE paths raise many of them.
   */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }

  @Override
  public String getMessage() {
    StringBuilder text = new StringBuilder(call);
    if (names.length > 0) {
      text.append('(');
      for (int i = 0; i < names.length; i++) {
        if (i > 0) {
          text.append(", ");
        }
        Printable.appendQuoted(text, names[i]);
      }
      text.append(')');
    }
    return text.append(": ").append(describe(errno)).toString();
  }

  /** The English description of an error number, independent of the process's locale. */
  public static String describe(int errno) {
    String description = LibC.strerrordesc_np(errno);
    return description != null ? description : "Unknown error " + errno;
  }
}
