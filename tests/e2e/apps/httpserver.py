# python3 -m http.server on 127.0.0.1 serving files to urllib clients in
# the same sandbox (issue 5): a 4 MiB file checked by digest, a directory
# listing, a 404, and ten requests over fresh connections. Prints only
# what is the same on any run (no ports, no server log lines).
import hashlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

with tempfile.TemporaryDirectory(dir="/tmp") as d:
    data = bytes((i * 131 + (i >> 12)) & 0xFF for i in range(4 << 20))
    with open(os.path.join(d, "blob.bin"), "wb") as f:
        f.write(data)
    with open(os.path.join(d, "hello.txt"), "w") as f:
        f.write("hello over tcp\n")
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    srv = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind",
                            "127.0.0.1", "--directory", d],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = "http://127.0.0.1:%d/" % port
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    try:
        body = urllib.request.urlopen(base + "blob.bin", timeout=30).read()
        print("blob:", len(body), hashlib.sha256(body).hexdigest() ==
              hashlib.sha256(data).hexdigest())
        r = urllib.request.urlopen(base, timeout=30)
        listing = r.read().decode()
        print("listing:", r.status, "blob.bin" in listing, "hello.txt" in listing)
        try:
            urllib.request.urlopen(base + "missing", timeout=30)
        except urllib.error.HTTPError as e:
            print("missing:", e.code)
        ok = sum(urllib.request.urlopen(base + "hello.txt", timeout=30).read() ==
                 b"hello over tcp\n" for _ in range(10))
        print("small requests ok:", ok)
    finally:
        srv.terminate()
        srv.wait()
