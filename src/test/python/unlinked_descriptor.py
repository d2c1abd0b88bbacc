"""Calls on descriptors whose file was unlinked or renamed over, printed one result a line.

Usage: unlinked_descriptor.py MERGED UPPER
MERGED is an overlay whose lower layer holds "lower" (data "lower\n", mode 0644, owner
60000:60000) and "lower-ro" (the same), UPPER its upper layer; the script makes the upper files
itself. Each line is a call and its result (the values it shows, or the errno's name), so two
overlays on the same layers print the same text when they behave alike. While a removed file is
still open the upper layer's names are listed too: nothing of it may show there.
"""
import errno
import os
import sys

merged, upper = sys.argv[1], sys.argv[2]


def p(name):
    return os.path.join(merged, name)


def attempt(label, call):
    try:
        result = call()
        print(label, "ok" if result is None else result)
    except OSError as e:
        print(label, errno.errorcode[e.errno])


def stat_line(fd, nlink=True):
    s = os.fstat(fd)
    return (("nlink=%d " % s.st_nlink) if nlink else "") + "mode=%o uid=%d gid=%d size=%d" % (
        s.st_mode, s.st_uid, s.st_gid, s.st_size)


def exercise(fd, nlink):
    """The data and metadata calls POSIX lets a descriptor make after its name is gone."""
    attempt("fstat", lambda: stat_line(fd, nlink))
    attempt("fchmod", lambda: os.fchmod(fd, 0o600))
    attempt("fchown", lambda: os.fchown(fd, 60001, 60002))
    attempt("fstat", lambda: stat_line(fd))
    attempt("pwrite", lambda: os.pwrite(fd, b"written", 0))
    attempt("fsync", lambda: os.fsync(fd))
    attempt("pread", lambda: os.pread(fd, 100, 0))
    attempt("ftruncate", lambda: os.ftruncate(fd, 3))
    attempt("fsetxattr", lambda: os.setxattr(fd, "user.test", b"value"))
    attempt("fgetxattr", lambda: os.getxattr(fd, "user.test"))
    attempt("flistxattr", lambda: sorted(os.listxattr(fd)))
    attempt("futimens", lambda: os.utime(fd, ns=(1_000_000_000, 2_000_000_000)))
    attempt("fstat", lambda: stat_line(fd) + " mtime=%d" % os.fstat(fd).st_mtime)
    attempt("reopen", lambda: os.pread(reopened(fd), 100, 0))


def reopened(fd):
    """The file opened again through /proc/self/fd, as a process may do with a deleted file."""
    again = os.open("/proc/self/fd/%d" % fd, os.O_RDONLY)
    opened.append(again)
    return again


opened = []


def scenario(name, open_it, remove, before=True, nlink=True):
    print("--", name)
    fd = open_it()
    if before:
        attempt("before", lambda: stat_line(fd))
    attempt("remove", remove)
    attempt("upper layer", lambda: sorted(os.listdir(upper)))
    exercise(fd, nlink)
    attempt("close", lambda: os.close(fd))
    for f in opened:
        os.close(f)
    opened.clear()
    attempt("listing", lambda: sorted(os.listdir(merged)))


def made(name, data):
    """A file created through the mount, owned by 60000:60000, opened O_RDWR."""
    with open(p(name), "wb") as f:
        f.write(data)
    os.chown(p(name), 60000, 60000)
    return os.open(p(name), os.O_RDWR)


scenario("upper file, unlinked", lambda: made("upper", b"upper\n"), lambda: os.unlink(p("upper")))
scenario("lower file opened O_RDWR, unlinked", lambda: os.open(p("lower"), os.O_RDWR),
         lambda: os.unlink(p("lower")))


def hard_linked():
    fd = made("linked", b"linked\n")
    os.link(p("linked"), p("linked2"))
    return fd


# no "before": the mount's kernel inode of the first name does not see the second name's link
# until attr_timeout (hard links are separate inodes in libfuse 2's high-level API); and until
# its first change the mount reports one link too few (libfuse takes its hidden name's link off)
scenario("hard-linked upper file, one name unlinked", hard_linked, lambda: os.unlink(p("linked")),
         before=False, nlink=False)


def rename_over():
    with open(p("newer"), "wb") as f:
        f.write(b"newer\n")
    os.rename(p("newer"), p("victim"))


scenario("upper file renamed over", lambda: made("victim", b"victim\n"), rename_over)
print("victim holds", open(p("victim"), "rb").read())


def read_only_lower():
    fd = os.open(p("lower-ro"), os.O_RDONLY)
    print("-- lower file opened O_RDONLY, unlinked")
    attempt("before", lambda: stat_line(fd))
    attempt("remove", lambda: os.unlink(p("lower-ro")))
    attempt("fstat", lambda: stat_line(fd))
    attempt("pread", lambda: os.pread(fd, 100, 0))
    # the kernel overlay cannot copy up a file whose whiteout is already there
    attempt("fchmod", lambda: os.fchmod(fd, 0o600))
    attempt("reopen for writing", lambda: os.close(os.open("/proc/self/fd/%d" % fd, os.O_RDWR)))
    attempt("close", lambda: os.close(fd))


read_only_lower()
attempt("listing", lambda: sorted(os.listdir(merged)))
