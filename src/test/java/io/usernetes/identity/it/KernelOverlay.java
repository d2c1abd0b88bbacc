package io.usernetes.identity.it;

import java.nio.file.Path;

/**
 * The kernel overlay mounted on a test's {@link Layers}, the behaviour the mount program
 * matches ({@code redirect_dir=off}: directories with lower content do not move; or with the
 * options a test gives, to write or read redirects), and a
 * description of an upper layer to compare with what the mount program left in its own.
 */
final class KernelOverlay implements AutoCloseable {
  private final Path mountpoint;

  private KernelOverlay(Path mountpoint) {
    this.mountpoint = mountpoint;
  }

  static KernelOverlay mount(Layers l) throws Exception {
    return mount(l.mnt, l.options() + ",redirect_dir=off");
  }

  /** The kernel overlay with mount options {@code options} (layers, {@code redirect_dir}) on {@code mnt}. */
  static KernelOverlay mount(Path mnt, String options) throws Exception {
    Sh.ok("mount -t overlay overlay -o " + options + " " + mnt);
    return new KernelOverlay(mnt);
  }

  /**
   * Runs a python3 program with {@code os} and {@code errno} imported, {@code e(f)} printing
   * 'ok' or the errno name {@code f()} fails with, {@code short(name)} for names too long to
   * print, and {@code mnt} the mountpoint as bytes; returns its output.
   */
  static String python(Path mnt, String program) throws Exception {
    return Sh.python("import os, errno\n"
        + "def e(f):\n    try:\n        f(); return 'ok'\n    except OSError as x:\n        return errno.errorcode[x.errno]\n"
        + SHORT + "mnt = b'" + mnt + "'\n" + program);
  }

  private static final String SHORT = "def short(p):\n"
      + "    return b'/'.join(c if len(c) <= 16 else c[:1] + b'*%d' % len(c) for c in p.split(b'/')).decode('latin-1')\n";

  /**
   * The upper layer of {@code l}: every name (but the {@code .wh..} ones the mount program keeps
   * for itself) with its type and mode, the size of regular files, the numbers of devices (a
   * whiteout is 0:0), and the opacity of directories where a lower layer has something that
   * opacity hides (the kernel also marks directories that hide nothing).
   */
  static String upper(Layers l, int lowerCount) throws Exception {
    StringBuilder lowers = new StringBuilder();
    for (int i = 1; i <= lowerCount; i++) {
      lowers.append("b'").append(l.lower(i)).append("',");
    }
    return python(l.upper, "import stat\nroot = mnt; lowers = [" + lowers + "]\nout = []\n"
        + "for d, dirs, files in os.walk(root):\n"
        + "    dirs[:] = [n for n in dirs if not n.startswith(b'.wh..')]\n"
        + "    for n in dirs + [f for f in files if not f.startswith(b'.wh..')]:\n"
        + "        p = os.path.join(d, n); st = os.lstat(p); rel = os.path.relpath(p, root)\n"
        + "        line = short(rel) + ' ' + stat.filemode(st.st_mode)\n"
        + "        if stat.S_ISCHR(st.st_mode): line += ' %d:%d' % (os.major(st.st_rdev), os.minor(st.st_rdev))\n"
        + "        if stat.S_ISREG(st.st_mode): line += ' %d' % st.st_size\n"
        + "        if stat.S_ISDIR(st.st_mode) and any(os.path.lexists(lo + b'/' + rel) for lo in lowers):\n"
        + "            v = os.getxattr(p, 'trusted.overlay.opaque', follow_symlinks=False) if 'trusted.overlay.opaque'"
        + " in os.listxattr(p, follow_symlinks=False) else b''\n"
        + "            line += ' opaque=' + v.decode()\n"
        + "        out.append(line)\n"
        + "print('\\n'.join(sorted(out)))\n");
  }

  @Override
  public void close() throws Exception {
    Sh.ok("umount " + mountpoint);
  }
}
