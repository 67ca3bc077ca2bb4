# python3: tempfile, subprocess, os.walk, shutil.copytree, sqlite3 on a
# file under /tmp. Prints only what is the same on any run.
import filecmp
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

os.umask(0o022)
with tempfile.TemporaryDirectory(dir="/tmp") as d:
    print("tempdir under /tmp:", os.path.dirname(d) == "/tmp", os.path.isdir(d))
    with tempfile.NamedTemporaryFile("w+", dir=d, suffix=".txt", delete=False) as f:
        f.write("hello\n" * 100)
        name = f.name
    print("named temp file size:", os.path.getsize(name))
    with tempfile.TemporaryFile() as t:
        t.write(b"x" * 5000)
        t.seek(0)
        print("anonymous temp file read back:", len(t.read()))

    # subprocess: exit status, captured output, stdin, a pipeline
    r = subprocess.run(["sh", "-c", "echo out; echo err >&2; exit 3"],
                       capture_output=True, text=True)
    print("run:", r.returncode, repr(r.stdout), repr(r.stderr))
    r = subprocess.run(["sort", "-r"], input="b\na\nc\n", capture_output=True, text=True)
    print("sort -r:", r.stdout.split())
    p1 = subprocess.Popen(["seq", "1", "500"], stdout=subprocess.PIPE)
    p2 = subprocess.Popen(["wc", "-l"], stdin=p1.stdout, stdout=subprocess.PIPE, text=True)
    p1.stdout.close()
    print("seq | wc -l:", p2.communicate()[0].strip(), p1.wait(), p2.wait())
    print("check_output:", subprocess.check_output([sys.executable, "-c", "print(6*7)"], text=True).strip())
    try:
        subprocess.run(["sleep", "5"], timeout=0.2)
    except subprocess.TimeoutExpired:
        print("timeout expired as expected")

    # a tree, walked, copied with copytree, compared
    src = os.path.join(d, "src")
    for i in range(4):
        sub = os.path.join(src, "dir%d" % i, "deeper")
        os.makedirs(sub)
        for j in range(3):
            with open(os.path.join(sub, "f%d" % j), "w") as f:
                f.write("%d-%d\n" % (i, j) * (i * 100 + j))
    os.symlink("dir0/deeper/f0", os.path.join(src, "link"))
    walked = []
    for root, dirs, files in os.walk(src):
        dirs.sort()
        walked.append((os.path.relpath(root, src), sorted(files)))
    print("walk:", walked)
    dst = os.path.join(d, "dst")
    shutil.copytree(src, dst, symlinks=True)
    cmp = filecmp.dircmp(src, dst)
    print("copytree: left_only", cmp.left_only, "right_only", cmp.right_only, "diff", cmp.diff_files)
    same = all(filecmp.cmp(os.path.join(r, f), os.path.join(dst, os.path.relpath(r, src), f), shallow=False)
               for r, _, fs in os.walk(src) for f in fs)
    print("copied contents equal:", same, "link:", os.readlink(os.path.join(dst, "link")))
    shutil.rmtree(dst)
    print("rmtree:", os.path.exists(dst))

    # os.walk over a host directory (through the gofer in the sandbox)
    n = sum(len(fs) for _, _, fs in os.walk("/usr/include/linux"))
    print("files under /usr/include/linux counted natively by find:",
          n == int(subprocess.check_output("find /usr/include/linux ! -type d | wc -l", shell=True)))

    # sqlite3 on a file in /tmp, rollback journal then WAL (shared memory)
    db = os.path.join(d, "test.db")
    for mode in ("delete", "wal"):
        if os.path.exists(db):
            os.unlink(db)
        c = sqlite3.connect(db)
        print("journal_mode:", c.execute("pragma journal_mode=%s" % mode).fetchone()[0])
        c.execute("create table t (k integer primary key, v text)")
        c.executemany("insert into t (v) values (?)", (("v%d" % i,) for i in range(2000)))
        c.commit()
        c.execute("begin")
        c.execute("delete from t where k % 3 = 0")
        c.rollback()
        c.execute("create index tv on t (v)")
        c.commit()
        print("count/sum:", c.execute("select count(*), sum(k), max(v) from t").fetchone())
        c2 = sqlite3.connect(db)
        print("second connection sees:", c2.execute("select count(*) from t").fetchone()[0])
        c2.close()
        print("integrity:", c.execute("pragma integrity_check").fetchone()[0])
        c.close()
        c = sqlite3.connect(db)
        print("reopened:", c.execute("select v from t where k = 1234").fetchone()[0])
        c.close()
print("tempdir removed:", not os.path.exists(d))
