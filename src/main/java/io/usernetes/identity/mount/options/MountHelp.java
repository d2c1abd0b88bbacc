package io.usernetes.identity.mount.options;

/** The text {@code usernetes-identity --help} prints: usage and every option, grouped. */
public final class MountHelp {
  /** Ends with a newline; lines stay within 100 columns. */
  public static final String TEXT = """
      Usage: usernetes-identity [-f] [-d] -o OPTIONS MOUNTPOINT
             usernetes-identity [-f] [-d] SOURCE MOUNTPOINT -o OPTIONS [-o OPTIONS...]
             usernetes-identity --help | --version

      An overlay file system in user space that keeps every file's true container owner, usable
      as containers-storage's mount_program in place of fuse-overlayfs. It returns once the mount
      is live and leaves a daemon serving it; unmount with fusermount3 -u MOUNTPOINT.

      Arguments:
        MOUNTPOINT             the last non-option argument; SOURCE before it is ignored
        -o OPTIONS             comma-separated options (below); may be repeated, later ones win;
                               -oOPTIONS works too. Double quotes keep commas and colons in a value
                               (context="a:b,c"); a backslash makes the next character literal
        -f                     stay in the foreground
        -d, --debug            log debug output; implies -f (same as -o debug)
        -h, --help             print this help
        -V, --version          print the version

      Layers:
        lowerdir=DIR[:DIR...]  read-only layers, topmost first; \\: is a colon in a path, \\\\ a
                               backslash. Required
        upperdir=DIR           writable layer; without it the mount is read-only
        workdir=DIR            scratch directory on the upper layer's file system; required with
                               upperdir

      Ownership (fuse-overlayfs):
        uidmapping=FROM:TO:LENGTH[:FROM:TO:LENGTH...]
                               show layer uids FROM.. as TO.. (triples joined by ':')
        gidmapping=FROM:TO:LENGTH[:...]
                               the same for gids
        squash_to_root         show every file as owned by 0:0; failed chowns are ignored
        squash_to_uid=UID      show every file as owned by UID (beats squash_to_root)
        squash_to_gid=GID      show every file as owned by group GID (beats squash_to_root)
        xattr_permissions=0|1|2
                               where the upper layer keeps owner and mode: on its files (0, the
                               default) or, as containers-storage stores layers with force_mask,
                               in the xattr security.fuseoverlayfs.override_stat (1) or
                               user.containers.override_stat (2). Lower layers whose root carries
                               user.containers.override_stat are read that way in any case

      Compatibility (fuse-overlayfs and libfuse):
        volatile, fsync=0|1    volatile or fsync=0: do not sync to disk on fsync (default fsync=1)
        static_nlink           directories report one link
        threaded=0|1           serve requests on several threads
        timeout=SECONDS        how long the kernel caches names and attributes
        noxattrs=0|1           1: extended attributes are not supported (every xattr call fails)
        noacl, xino=off|auto|on, ino32_t, fast_ino=0|1, writeback=0|1, plugins=PLUGIN[:...]
                               accepted, ignored (logged once): inode numbers are always the
                               backing file's own, libfuse 2 has no writeback cache, the kernel
                               evaluates no ACLs on this mount, plugins are not loaded
        redirect_dir=off|follow|on|nofollow
                               directories the kernel overlay renamed (redirect xattrs) are read
                               from where they came (off, the default, follow and on), or not
                               at all (nofollow); only on writes them, so that a directory with
                               lower content can be renamed (else EXDEV, and mv copies)
        context=LABEL          SELinux label: accepted, ignored (FUSE mounts take no label)
        debug                  same as -d
        ro, rw                 read-only or read-write mount
        dev, nodev             device files work or not
        suid, nosuid           set-user-id and set-group-id bits take effect or not
        exec, noexec           programs may be run from the mount or not
        atime, noatime         update access times or not
        diratime, nodiratime   update directory access times or not
        max_write=BYTES        largest write request
        allow_root, allow_other, default_permissions, kernel_cache, splice_read, splice_write,
        splice_move, big_writes
                               accepted; the mount sets what it needs itself

      Options with other names are ignored with a warning, as fuse-overlayfs does.

      usernetes-identity (override the configuration file and environment for this mount):
        uid_map=SPEC           container uid -> host uid segments CONTAINER:HOST:LENGTH, separated
                               by '/' or ';' (or by ',' inside double quotes); the largest segment
                               is the pool. Default 0:0:1/1:1:1999/65534:2000:2
        gid_map=SPEC           the same for gids
        report_mode=auto|container|host
                               ids the mount reports: container ids, host ids, or whichever the
                               user namespace can represent (auto, the default)
        log_file=PATH          where the daemon logs once detached
        log_level=error|warn|info|debug|trace
                               how much it logs
      """;

  private MountHelp() {}
}
