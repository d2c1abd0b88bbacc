package io.usernetes.identity.fuse;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;

/**
 * libfuse 2's low-level API (fuse_lowlevel.h, 2.9): the session on a mounted channel and the
 * replies to its requests. jnr-fuse binds only the high-level, path-based library, whose node
 * ids are per name; the low-level one lets the mount choose them (see {@link NodeTable}).
 * Arrays are {@code @In}: libfuse only reads them, so jnr-ffi need not copy them back.
 */
public interface LibFuse {
  /** The library, loaded once; without the -dev symlink it is only {@code libfuse.so.2}. */
  static LibFuse load() {
    return Holder.LIBRARY;
  }

  /** Lazy holder: loading the library is the first thing a mount pays for, not a class init. */
  final class Holder {
    static final LibFuse LIBRARY = LibraryLoader.create(LibFuse.class).failImmediately()
        .load("libfuse.so.2");

    private Holder() {}
  }

  Pointer fuse_mount(String mountpoint, Pointer args);

  void fuse_unmount(String mountpoint, Pointer channel);

  Pointer fuse_lowlevel_new(Pointer args, Pointer operations, long operationsSize, Pointer userdata);

  void fuse_opt_free_args(Pointer args);

  void fuse_session_add_chan(Pointer session, Pointer channel);

  void fuse_session_remove_chan(Pointer channel);

  int fuse_session_loop(Pointer session);

  int fuse_session_loop_mt(Pointer session);

  void fuse_session_exit(Pointer session);

  void fuse_session_destroy(Pointer session);

  int fuse_reply_err(Pointer req, int errno);

  void fuse_reply_none(Pointer req);

  int fuse_reply_entry(Pointer req, Pointer entry);

  int fuse_reply_create(Pointer req, Pointer entry, Pointer fileInfo);

  int fuse_reply_attr(Pointer req, Pointer stat, double timeout);

  int fuse_reply_readlink(Pointer req, @In byte[] target);

  int fuse_reply_open(Pointer req, Pointer fileInfo);

  int fuse_reply_write(Pointer req, long count);

  int fuse_reply_buf(Pointer req, Pointer buf, long size);

  int fuse_reply_buf(Pointer req, @In byte[] buf, long size);

  int fuse_reply_data(Pointer req, Pointer bufvec, int flags);

  int fuse_reply_statfs(Pointer req, Pointer statvfs);

  int fuse_reply_xattr(Pointer req, long count);

  long fuse_add_direntry(Pointer req, Pointer buf, long size, @In byte[] name, Pointer stat, long offset);

  Pointer fuse_req_ctx(Pointer req);
}
