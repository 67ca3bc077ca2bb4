#!/usr/bin/env python3
# Drive an interactive program through a pseudo-terminal, as a person at
# a terminal would, and print what happened in a form that does not
# depend on the shell's prompt or timing:
#   pty_drive.py SCENARIO CMD [ARGS...]
# Scenarios:
#   basic   type `echo hi; exit 3`: did `hi` come back as a line, what
#           exit status did the program end with
#   intr    start `sleep 30`, type ^C, then `echo after; exit 4`: the
#           shell survives the interrupt of its foreground job
#   stty    `stty -echo`, a line typed without echo, `stty echo`, exit
#   devtty  the shell writes to and reads from /dev/tty, its terminal
# Used by tests/e2e/pty.sh on the host terminal side (`runsc do sh -i`)
# and inside the sandbox on its own devpts.
import os
import pty
import select
import sys
import time


def read_until(fd, want, timeout=15.0):
    """Collect output until `want` (bytes) appears or timeout/EOF."""
    buf = b""
    end = time.monotonic() + timeout
    while want not in buf:
        left = end - time.monotonic()
        if left <= 0:
            break
        r, _, _ = select.select([fd], [], [], left)
        if not r:
            break
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        buf += chunk
    return buf


def read_all(fd, timeout=15.0):
    return read_until(fd, b"\0never\0", timeout)


def main():
    scenario, cmd = sys.argv[1], sys.argv[2:]
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["PS1"] = "PROMPT> "
        os.environ["ENV"] = ""
        os.execvp(cmd[0], cmd)
    seen = read_until(fd, b"PROMPT> ")
    print("prompt:", b"PROMPT> " in seen)
    if scenario == "basic":
        os.write(fd, b"echo hi; exit 3\n")
        out = read_all(fd)
        print("echoed input:", b"echo hi; exit 3" in out)
        print("hi line:", b"\r\nhi\r\n" in out)
    elif scenario == "intr":
        os.write(fd, b"sleep 30\n")
        read_until(fd, b"sleep 30\r\n")
        time.sleep(0.5)
        t0 = time.monotonic()
        os.write(fd, b"\x03")
        out = read_until(fd, b"PROMPT> ")
        print("interrupted quickly:", time.monotonic() - t0 < 10)
        print("^C echoed:", b"^C" in out)
        os.write(fd, b"echo after; exit 4\n")
        out = read_all(fd)
        print("after line:", b"\r\nafter\r\n" in out)
    elif scenario == "stty":
        os.write(fd, b"stty -echo\n")
        read_until(fd, b"PROMPT> ")
        os.write(fd, b"echo secret-$((6*7))\n")
        out = read_until(fd, b"PROMPT> ")
        print("typed text hidden:", b"echo secret" not in out)
        print("command ran:", b"secret-42" in out)
        os.write(fd, b"stty echo; exit 5\n")
        read_all(fd)
    elif scenario == "devtty":
        os.write(fd, b"echo via-tty >/dev/tty; read x </dev/tty; echo got-$x\n")
        read_until(fd, b"via-tty\r\n")
        os.write(fd, b"typed\n")
        out = read_until(fd, b"PROMPT> ")
        print("read from /dev/tty:", b"got-typed" in out)
        os.write(fd, b"exit 6\n")
        read_all(fd)
    _, status = os.waitpid(pid, 0)
    if os.WIFEXITED(status):
        print("exit status:", os.WEXITSTATUS(status))
    else:
        print("killed by signal:", os.WTERMSIG(status))


main()
