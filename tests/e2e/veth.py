"""Both ends of the veth suite (tests/e2e/veth.sh): run natively by the
host and inside the sandbox. Each mode prints one line, "ok ..." when it
saw what it should, and exits 0; anything else is a failure line.

  ping ADDR                 one echo over a ping socket (SOCK_DGRAM)
  udp-serve ADDR PORT N     echo N datagrams back to their senders
  udp-ask ADDR PORT SIZE    send SIZE bytes, expect them back (retries)
  tcp-serve ADDR PORT N     accept N connections; echo each to EOF
  tcp-ask ADDR PORT SIZE [CONNS]  CONNS connections each sending SIZE
                            pseudo-random bytes, checking the echo
  tcp-sink ADDR PORT        accept one connection, print a SHA-256 of
                            everything it sends
  tcp-pour ADDR PORT SIZE   connect and send SIZE bytes, print their hash
"""
import hashlib
import os
import socket
import sys
import time


def fam(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def pattern(size, seed):
    out = bytearray()
    h = hashlib.sha256(seed.to_bytes(4, "big")).digest()
    while len(out) < size:
        out += h
        h = hashlib.sha256(h).digest()
    return bytes(out[:size])


def ping(addr):
    f = fam(addr)
    proto = socket.IPPROTO_ICMPV6 if f == socket.AF_INET6 else socket.IPPROTO_ICMP
    s = socket.socket(f, socket.SOCK_DGRAM, proto)
    s.settimeout(2)
    req = bytes([128 if f == socket.AF_INET6 else 8, 0, 0, 0, 0, 0, 0, 1]) + b"veth-ping"
    for _ in range(5):
        s.sendto(req, (addr, 0))
        try:
            data, _ = s.recvfrom(2048)
        except socket.timeout:
            continue
        if data[8:] == b"veth-ping":
            print("ok ping", addr)
            return 0
    print("no echo reply from", addr)
    return 1


def udp_serve(addr, port, n):
    s = socket.socket(fam(addr), socket.SOCK_DGRAM)
    s.bind((addr, port))
    s.settimeout(30)
    for _ in range(n):
        data, peer = s.recvfrom(70000)
        s.sendto(data, peer)
    print("ok served", n)
    return 0


def udp_ask(addr, port, size):
    s = socket.socket(fam(addr), socket.SOCK_DGRAM)
    s.settimeout(1)
    msg = pattern(size, size)
    for _ in range(15):
        s.sendto(msg, (addr, port))
        try:
            data, _ = s.recvfrom(70000)
        except (socket.timeout, ConnectionRefusedError):
            time.sleep(0.3)
            continue
        if data == msg:
            print("ok udp", size)
            return 0
        print("udp: wrong echo of", len(data), "bytes")
        return 1
    print("udp: no echo")
    return 1


def listener(addr, port):
    s = socket.socket(fam(addr), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(64)
    s.settimeout(60)
    return s


def tcp_serve(addr, port, n):
    s = listener(addr, port)
    for _ in range(n):
        c, _ = s.accept()
        c.settimeout(60)
        while True:
            d = c.recv(65536)
            if not d:
                break
            c.sendall(d)
        c.close()
    print("ok served", n)
    return 0


def connect(addr, port):
    for _ in range(50):
        try:
            return socket.create_connection((addr, port), timeout=60)
        except (ConnectionRefusedError, socket.timeout, OSError):
            time.sleep(0.2)
    raise SystemExit("tcp: cannot connect")


def tcp_ask(addr, port, size, conns):
    for i in range(conns):
        c = connect(addr, port)
        msg = pattern(size, i)
        got = bytearray()
        c.sendall(msg)
        c.shutdown(socket.SHUT_WR)
        while True:
            d = c.recv(65536)
            if not d:
                break
            got += d
        c.close()
        if bytes(got) != msg:
            print("tcp: connection", i, "echoed", len(got), "of", size, "bytes, or wrong ones")
            return 1
    print("ok tcp", conns, "x", size)
    return 0


def tcp_sink(addr, port):
    s = listener(addr, port)
    c, _ = s.accept()
    c.settimeout(60)
    h = hashlib.sha256()
    n = 0
    while True:
        d = c.recv(1 << 16)
        if not d:
            break
        h.update(d)
        n += len(d)
    print("ok", n, h.hexdigest())
    return 0


def tcp_pour(addr, port, size):
    c = connect(addr, port)
    h = hashlib.sha256()
    block = pattern(1 << 16, 7)
    left = size
    while left:
        b = block[: min(left, len(block))]
        c.sendall(b)
        h.update(b)
        left -= len(b)
    c.close()
    print("ok", size, h.hexdigest())
    return 0


def main(a):
    m = a[0]
    if m == "ping":
        return ping(a[1])
    if m == "udp-serve":
        return udp_serve(a[1], int(a[2]), int(a[3]))
    if m == "udp-ask":
        return udp_ask(a[1], int(a[2]), int(a[3]))
    if m == "tcp-serve":
        return tcp_serve(a[1], int(a[2]), int(a[3]))
    if m == "tcp-ask":
        return tcp_ask(a[1], int(a[2]), int(a[3]), int(a[4]) if len(a) > 4 else 1)
    if m == "tcp-sink":
        return tcp_sink(a[1], int(a[2]))
    if m == "tcp-pour":
        return tcp_pour(a[1], int(a[2]), int(a[3]))
    print("unknown mode", m)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Exception as e:  # one line, whatever went wrong
        print("error:", type(e).__name__, e)
        sys.exit(1)
