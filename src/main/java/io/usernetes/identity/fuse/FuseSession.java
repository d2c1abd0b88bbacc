package io.usernetes.identity.fuse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import ru.serce.jnrfuse.utils.MountUtils;

/**
 * A mounted FUSE file system served by {@link OverlayFuse}: libfuse mounts it (mount(2), or
 * fusermount when that is refused), a low-level session reads the requests, and the end of the
 * session (an unmount from anywhere) ends {@link #serve}.
 */
public final class FuseSession {
  private final LibFuse fuse = LibFuse.load();
  private final String mountpoint;
  private final Pointer channel;
  private final Pointer session;
  private boolean ended;
  /** Referenced by the session until it is destroyed. */
  private final LowLevelOperations operations;

  private FuseSession(String mountpoint, Pointer channel, Pointer session, LowLevelOperations operations) {
    this.mountpoint = mountpoint;
    this.channel = channel;
    this.session = session;
    this.operations = operations;
  }

  /**
   * Mounts {@code fs} on {@code mountpoint} with libfuse's {@code options} (the kernel's and the
   * session's, e.g. {@code allow_other}, {@code max_write=131072}).
   */
  public static FuseSession mount(String mountpoint, List<String> options, boolean debug, OverlayFuse fs)
      throws FuseMountException {
    LibFuse fuse = LibFuse.load();
    List<String> argv = new ArrayList<>(List.of("usernetes-identity"));
    if (!options.isEmpty()) {
      argv.add("-o");
      argv.add(String.join(",", options));
    }
    if (debug) {
      argv.add("-odebug");
    }
    Arguments args = new Arguments(argv);
    Pointer channel = fuse.fuse_mount(mountpoint, args.struct);
    if (channel == null) {
      fuse.fuse_opt_free_args(args.struct);
      throw new FuseMountException("libfuse could not mount it");
    }
    LowLevelOperations ops = fs.operations();
    Pointer session = fuse.fuse_lowlevel_new(args.struct, ops.table(), ops.size(), null);
    fuse.fuse_opt_free_args(args.struct);
    if (session == null) {
      fuse.fuse_unmount(mountpoint, channel);
      throw new FuseMountException("libfuse refused the options " + options);
    }
    fuse.fuse_session_add_chan(session, channel);
    return new FuseSession(mountpoint, channel, session, ops);
  }

  /**
   * Serves requests on this thread (or, {@code threaded}, on libfuse's worker threads) until the
   * file system is unmounted, then takes the session down. Returns libfuse's result, 0 for a
   * clean end.
   */
  public int serve(boolean threaded) {
    int result;
    try {
      result = threaded ? fuse.fuse_session_loop_mt(session) : fuse.fuse_session_loop(session);
    } finally {
      synchronized (this) {
        ended = true;
        fuse.fuse_session_remove_chan(channel);
        fuse.fuse_session_destroy(session);
        fuse.fuse_unmount(mountpoint, channel);
      }
    }
    return result;
  }

  /**
   * Detaches the mount unless the session has ended, as jnr-fuse did at JVM shutdown ({@code
   * fusermount -u -z}, else {@code umount}); the session then sees the end of its device and
   * {@link #serve} returns.
   */
  public void unmount() {
    synchronized (this) {
      if (ended) {
        return;
      }
      fuse.fuse_session_exit(session);
    }
    MountUtils.umount(Path.of(mountpoint));
  }

  /** {@code struct fuse_args}: argc, argv (NULL-terminated), allocated; libfuse may replace argv. */
  private static final class Arguments {
    final Pointer struct;
    private final List<Pointer> strings = new ArrayList<>();
    private final Pointer vector;

    Arguments(List<String> argv) {
      Runtime runtime = Runtime.getSystemRuntime();
      vector = Memory.allocateDirect(runtime, (argv.size() + 1) * 8L, true);
      for (int i = 0; i < argv.size(); i++) {
        byte[] b = argv.get(i).getBytes(StandardCharsets.ISO_8859_1);
        Pointer s = Memory.allocateDirect(runtime, b.length + 1, true);
        s.put(0, b, 0, b.length);
        strings.add(s);
        vector.putPointer(i * 8L, s);
      }
      struct = Memory.allocateDirect(runtime, 24, true);
      struct.putInt(0, argv.size());
      struct.putPointer(8, vector);
      struct.putInt(16, 0);
    }
  }
}
