"""A hostile or broken peer of `identity-supervisor serve`, for the integration tests.

    forged_peer.py SOCKET MODE

Prints its pid first (the supervisor logs the peer's SO_PEERCRED pid), then acts out MODE:
  garbage       bytes that are not JSON, then close
  truncated     the first half of a valid state message with a real listener fd, then close
  oversized     a 2 MiB JSON object, then close
  nested        200,000 nested arrays, then close
  silent-close  connect and close without sending anything
  silent-open   connect, send nothing, wait for the supervisor to hang up; prints the seconds
  trickle       one byte every 0.3 s until the supervisor hangs up; prints the seconds
  duplicate     "fds": ["seccompFd", "seccompFd"] with one real listener sent twice
  not-listener  a valid message whose seccompFd is a pipe
  too-many-fds  a valid message with a real listener and 40 more descriptors
  extra-fds     a valid message with a real listener and 10 more descriptors (accepted)
  valid         a valid message with a real listener (accepted where the peer is allowed)
Real listeners come from a child that installs an allow-all filter with NEW_LISTENER; the
child exits when this program does, so the supervisor's session then ends.
"""
import ctypes
import json
import os
import socket
import struct
import sys
import time

SECCOMP_NR = {"x86_64": 317, "aarch64": 277}[os.uname().machine]
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_long, ctypes.c_void_p]


def listener():
    """A real seccomp listener fd (and the socket that keeps its filter's only task alive)."""
    parent, child = socket.socketpair()
    if os.fork() == 0:
        parent.close()
        if libc.prctl(38, 1, 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS
            os._exit(2)
        insn = ctypes.create_string_buffer(struct.pack("=HBBI", 0x06, 0, 0, 0x7FFF0000))  # RET ALLOW
        prog = ctypes.create_string_buffer(struct.pack("=H6xQ", 1, ctypes.addressof(insn)))
        fd = libc.syscall(SECCOMP_NR, 1, 8, ctypes.addressof(prog))  # SET_MODE_FILTER, NEW_LISTENER
        if fd < 0:
            os._exit(3)
        socket.send_fds(child, [b"x"], [fd])
        child.recv(1)  # until the parent goes
        os._exit(0)
    child.close()
    _, fds, _, _ = socket.recv_fds(parent, 1, 1)
    return fds[0], parent


def state(fds):
    return json.dumps({"ociVersion": "1.0.2", "fds": fds, "pid": os.getpid(), "metadata": "",
                       "state": {"ociVersion": "1.0.2", "id": "forged-%s-%d" % (MODE, os.getpid()),
                                 "status": "creating", "pid": os.getpid(), "bundle": "/"}}).encode()


def pipes(n):
    out = []
    while len(out) < n:
        out.extend(os.pipe())
    return out[:n]


def send(s, data, fds=()):
    """sendmsg; a supervisor that hangs up first (a refused peer) is reported, not an error."""
    try:
        s.sendmsg([data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, struct.pack("%di" % len(fds), *fds))] if fds else [])
    except (BrokenPipeError, ConnectionResetError):
        print("hung-up", flush=True)


def wait_for_hangup(s, trickle):
    start = time.monotonic()
    s.settimeout(60)
    try:
        while True:
            if trickle:
                s.send(b" " if time.monotonic() > start else b"{")
                time.sleep(0.3)
                continue
            if s.recv(1) == b"":
                break
    except (BrokenPipeError, ConnectionResetError):
        pass
    print("%.1f" % (time.monotonic() - start), flush=True)


SOCKET, MODE = sys.argv[1], sys.argv[2]
print(os.getpid(), flush=True)
keep = []
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(SOCKET)
if MODE == "garbage":
    send(s, b"\x1b[31m\x00\xffthis is not {json\r\n\x85" * 10)
elif MODE == "truncated":
    fd, k = listener()
    keep.append(k)
    message = state(["seccompFd"])
    send(s, message[: len(message) // 2], [fd])
elif MODE == "oversized":
    send(s, b'{"ociVersion":"' + b"x" * (2 << 20) + b'"}')
elif MODE == "nested":
    send(s, b"[" * 200000 + b"]" * 200000)
elif MODE == "silent-close":
    pass
elif MODE in ("silent-open", "trickle"):
    wait_for_hangup(s, MODE == "trickle")
elif MODE == "duplicate":
    fd, k = listener()
    keep.append(k)
    send(s, state(["seccompFd", "seccompFd"]), [fd, fd])
elif MODE == "not-listener":
    send(s, state(["seccompFd"]), pipes(1))
elif MODE in ("too-many-fds", "extra-fds"):
    fd, k = listener()
    keep.append(k)
    extra = pipes(40 if MODE == "too-many-fds" else 10)
    send(s, state(["seccompFd"] + ["extra"] * min(len(extra), 15)), [fd] + extra)
elif MODE == "valid":
    fd, k = listener()
    keep.append(k)
    send(s, state(["seccompFd"]), [fd])
else:
    sys.exit("unknown mode " + MODE)
try:
    s.shutdown(socket.SHUT_WR)
except OSError:
    pass
if MODE in ("extra-fds", "valid", "truncated", "duplicate", "too-many-fds"):
    s.settimeout(30)
    try:
        print("reply:" + s.recv(16).decode(errors="replace").strip(), flush=True)
    except OSError as e:
        print("reply-error:" + str(e), flush=True)
s.close()
