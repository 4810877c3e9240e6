#!/usr/bin/env python3
"""Write a gzip-compressed "newc" cpio archive (an initramfs) from a file list.

The list uses the format of the Linux kernel's usr/gen_init_cpio, one entry a line
('#' starts a comment):

    dir   <name> <mode> <uid> <gid>
    file  <name> <location> <mode> <uid> <gid>
    slink <name> <target> <mode> <uid> <gid>
    nod   <name> <mode> <uid> <gid> <c|b> <major> <minor>

Device nodes are only described, never created on the host, so no privileges are
needed. Every entry gets the same modification time (--mtime, default
$SOURCE_DATE_EPOCH or 0) and the gzip header carries no name and no time, so the
same inputs always give the same bytes.

    mkcpio.py -o initramfs.cpio.gz list.txt      build
    mkcpio.py --list initramfs.cpio.gz           list an archive (like cpio -tv)
"""

import argparse
import gzip
import os
import stat
import sys

MAGIC = b"070701"


def header(ino, mode, uid, gid, nlink, mtime, size, rmaj, rmin, name):
    nb = name.encode() + b"\0"
    fields = (ino, mode, uid, gid, nlink, mtime, size, 0, 0, rmaj, rmin, len(nb), 0)
    h = MAGIC + b"".join(b"%08X" % f for f in fields) + nb
    return h + b"\0" * (-len(h) % 4)


def build(lines, mtime):
    out = bytearray()
    ino = 721
    seen = set()
    for lineno, raw in enumerate(lines, 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        w = line.split()
        kind = w[0]
        try:
            name = w[1].lstrip("/")
            if name in seen:
                raise ValueError("duplicate entry " + name)
            seen.add(name)
            data = b""
            rmaj = rmin = 0
            if kind == "dir":
                mode, uid, gid = int(w[2], 8) | stat.S_IFDIR, int(w[3]), int(w[4])
                nlink = 2
            elif kind == "file":
                with open(w[2], "rb") as f:
                    data = f.read()
                mode, uid, gid = int(w[3], 8) | stat.S_IFREG, int(w[4]), int(w[5])
                nlink = 1
            elif kind == "slink":
                data = w[2].encode()
                mode, uid, gid = int(w[3], 8) | stat.S_IFLNK, int(w[4]), int(w[5])
                nlink = 1
            elif kind == "nod":
                typ = {"c": stat.S_IFCHR, "b": stat.S_IFBLK}[w[5]]
                mode, uid, gid = int(w[2], 8) | typ, int(w[3]), int(w[4])
                rmaj, rmin = int(w[6]), int(w[7])
                nlink = 1
            else:
                raise ValueError("unknown entry type " + kind)
        except (IndexError, KeyError, ValueError, OSError) as e:
            sys.exit("mkcpio: line %d: %s: %s" % (lineno, raw.rstrip(), e))
        out += header(ino, mode, uid, gid, nlink, mtime, len(data), rmaj, rmin, name)
        out += data + b"\0" * (-len(data) % 4)
        ino += 1
    out += header(0, 0, 0, 0, 1, 0, 0, 0, 0, "TRAILER!!!")
    out += b"\0" * (-len(out) % 512)
    return bytes(out)


def entries(blob):
    """Yield (name, mode, uid, gid, size, rdev, data) for each member of a newc archive."""
    pos = 0
    while pos + 110 <= len(blob):
        if blob[pos:pos + 6] not in (b"070701", b"070702"):
            # concatenated archives may be separated by zero padding
            if blob[pos:pos + 4] == b"\0\0\0\0":
                pos += 4
                continue
            raise ValueError("bad cpio magic at offset %d" % pos)
        f = [int(blob[pos + 6 + 8 * i:pos + 14 + 8 * i], 16) for i in range(13)]
        namesize, size = f[11], f[6]
        name = blob[pos + 110:pos + 110 + namesize - 1].decode()
        pos += 110 + namesize
        pos += -pos % 4
        data = blob[pos:pos + size]
        pos += size
        pos += -pos % 4
        if name == "TRAILER!!!":
            continue
        yield name, f[1], f[2], f[3], size, (f[9], f[10]), data


def list_archive(path):
    with open(path, "rb") as f:
        blob = f.read()
    if blob[:2] == b"\x1f\x8b":
        blob = gzip.decompress(blob)
    for name, mode, uid, gid, size, rdev, data in entries(blob):
        extra = ""
        if stat.S_ISLNK(mode):
            extra = " -> " + data.decode()
        elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
            extra = " (%d, %d)" % rdev
        print("%s %d/%d %9d %s%s" % (stat.filemode(mode), uid, gid, size, name, extra))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-o", "--output", help="gzip-compressed archive to write")
    ap.add_argument("--mtime", type=int, default=int(os.environ.get("SOURCE_DATE_EPOCH", "0")))
    ap.add_argument("--list", metavar="ARCHIVE", help="list an archive instead of building one")
    ap.add_argument("listfile", nargs="?", help="gen_init_cpio-style list ('-' = stdin)")
    a = ap.parse_args()
    if a.list:
        list_archive(a.list)
        return
    if not a.output or not a.listfile:
        ap.error("need -o OUTPUT and LISTFILE")
    src = sys.stdin if a.listfile == "-" else open(a.listfile)
    blob = build(src.readlines(), a.mtime)
    tmp = a.output + ".tmp"
    with open(tmp, "wb") as f:
        f.write(gzip.compress(blob, compresslevel=9, mtime=0))
    os.replace(tmp, a.output)


if __name__ == "__main__":
    main()
