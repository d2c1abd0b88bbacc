"""Applies one random sequence of file system operations to two trees and compares them.

Usage: same_operations.py SEED STEPS MOUNT PLAIN
MOUNT is the merged view of an overlay whose lower layer holds the same starting tree as the
plain directory PLAIN. Every operation must give the same result (success or the same errno)
on both, and the trees must end up identical (names, types, modes, sizes, contents, link
targets). A directory rename the mount refuses with EXDEV (directories with lower content, as on
fuse-overlayfs) is done the way mv does it, by copying and deleting. Prints the first difference and exits 1, or prints "same after N operations".
"""
import errno
import hashlib
import os
import random
import shutil
import subprocess
import stat
import sys
import time

seed, steps, mount, plain = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
rng = random.Random(seed)
NAMES = ["a", "b", "c", "d", "e", "dir", "sub", "x.txt", "é", "l\xff".encode("latin-1").decode("utf-8", "surrogateescape")]


def path():
    depth = rng.choice([1, 1, 2, 2, 3])
    return "/".join(rng.choice(NAMES) for _ in range(depth))


def op_write(root, p, data, flags):
    # O_NONBLOCK: a FIFO without a reader fails (ENXIO) instead of blocking the run
    fd = os.open(os.path.join(root, p), os.O_WRONLY | os.O_CREAT | os.O_NONBLOCK | flags, 0o644)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def chmod_no_follow(p, mode):
    # Linux has no lchmod: a symlink's mode cannot change, so leave symlinks alone
    if not os.path.islink(p):
        os.chmod(p, mode)


OPERATIONS = {
    "create": lambda r, a: op_write(r, a[0], a[1], os.O_TRUNC),
    "append": lambda r, a: op_write(r, a[0], a[1], os.O_APPEND),
    "mkdir": lambda r, a: os.mkdir(os.path.join(r, a[0]), 0o755),
    "unlink": lambda r, a: os.unlink(os.path.join(r, a[0])),
    "rmdir": lambda r, a: os.rmdir(os.path.join(r, a[0])),
    "rename": lambda r, a: os.rename(os.path.join(r, a[0]), os.path.join(r, a[1])),
    "symlink": lambda r, a: os.symlink(a[1], os.path.join(r, a[0])),
    "link": lambda r, a: os.link(os.path.join(r, a[0]), os.path.join(r, a[1]), follow_symlinks=False),
    "chmod": lambda r, a: chmod_no_follow(os.path.join(r, a[0]), a[1]),
    "truncate": lambda r, a: os.truncate(os.path.join(r, a[0]), a[1]),
    "mkfifo": lambda r, a: os.mkfifo(os.path.join(r, a[0]), 0o644),
}


def arguments(name):
    if name in ("create", "append"):
        return [path(), rng.randbytes(rng.choice([0, 1, 100, 5000]))]
    if name in ("rename", "link"):
        return [path(), path()]
    if name == "symlink":
        # targets stay inside the tree or point nowhere: operations follow symlinks, and one
        # that left the tree would reach the same outside file from both trees (or the host's)
        return [path(), rng.choice(["a", "dir/b", "sub", "missing", "/nonexistent/usernetes-model"])]
    if name == "chmod":
        return [path(), rng.choice([0o600, 0o644, 0o755, 0o700, 0o4755])]
    if name == "truncate":
        return [path(), rng.choice([0, 10, 10000])]
    return [path()]


def outcome(root, name, args):
    try:
        OPERATIONS[name](root, args)
        return "ok"
    except OSError as e:
        if e.errno == errno.EXDEV and name == "rename" and root == mount:
            return move_by_copying(root, args)
        return errno.errorcode.get(e.errno, str(e.errno))


def move_by_copying(root, args):
    """What mv does when a directory cannot be renamed (EXDEV, redirect_dir=off): copy, then delete."""
    source, target = os.path.join(root, args[0]), os.path.join(root, args[1])
    if not os.path.isdir(source) or os.path.islink(source):
        return "EXDEV"
    os.makedirs(target, exist_ok=True)
    copy = subprocess.run(["cp", "-a", source + "/.", target + "/"], capture_output=True)
    if copy.returncode != 0:
        return "copy failed: " + copy.stderr.decode()
    shutil.rmtree(source)
    return "ok"


def describe(root):
    tree = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for n in sorted(dirnames + filenames):
            full = os.path.join(dirpath, n)
            st = os.lstat(full)
            entry = [stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode)]
            if stat.S_ISREG(st.st_mode):
                with open(full, "rb") as f:
                    entry += [st.st_size, hashlib.sha256(f.read()).hexdigest()[:16]]
            elif stat.S_ISLNK(st.st_mode):
                entry.append(os.readlink(full))
            tree[os.path.relpath(full, root)] = entry
    return tree


def compare(after, hard_links):
    m, p = describe(mount), describe(plain)
    # the high-level FUSE API gives each name of a hard-linked file its own kernel inode: a
    # change through one name shows through the others once attr_timeout (1 s) has passed
    deadline = time.monotonic() + (5 if hard_links else 0)
    while m != p and time.monotonic() < deadline:
        time.sleep(0.05)
        m = describe(mount)
    if m != p:
        for k in sorted(set(m) | set(p)):
            if m.get(k) != p.get(k):
                print("tree differs after %s at %r: mount %r, plain %r" % (after, k, m.get(k), p.get(k)))
                sys.exit(1)


verbose = os.environ.get("VERBOSE")
linked = False
for step in range(steps):
    name = rng.choice(sorted(OPERATIONS))
    args = arguments(name)
    if verbose:
        print(step, name, args[:1] if name in ("create", "append") else args, flush=True)
    got, want = outcome(mount, name, args), outcome(plain, name, args)
    if got != want:
        print("step %d %s %r: mount says %s, a plain directory says %s" % (step, name, args[:1] + args[1:2] if name in ("rename", "link", "symlink") else args[:1], got, want))
        sys.exit(1)
    linked |= name == "link" and got == "ok"  # from then on a file may have several names
    if step % 50 == 49:
        compare("step %d (%s %r)" % (step, name, args[0]), linked)
compare("the last step", linked)
print("same after %d operations" % steps)
