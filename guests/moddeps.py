#!/usr/bin/env python3
"""Pick kernel modules and their dependencies out of an unpacked kernel package.

    moddeps.py MODDIR STAGEDIR NAME...

MODDIR is lib/modules/<version> of the unpacked package, STAGEDIR the same
directory inside the initramfs tree. For every NAME (module name; '-' and '_'
are the same) and everything it needs (the "depends=" field of the module's
.modinfo section), the module is copied to STAGEDIR (decompressed if the package
ships .ko.xz or .ko.gz, because busybox insmod wants plain ELF), and
STAGEDIR/modules.guest-order gets the load order: dependencies first, otherwise
in the order asked for. STAGEDIR/modules.dep is written in depmod's format for
that set; run depmod afterwards to replace it if you have one.

Exit status 3 with "missing: NAME..." on stderr when a module is not in MODDIR,
so the caller can unpack more of the package and try again.
"""

import gzip
import lzma
import os
import struct
import sys

SUFFIXES = (".ko", ".ko.xz", ".ko.gz")


def canon(name):
    return name.replace("-", "_")


def index(moddir):
    found = {}
    for root, _dirs, files in os.walk(os.path.join(moddir, "kernel")):
        for f in files:
            for s in SUFFIXES:
                if f.endswith(s):
                    found[canon(f[:-len(s)])] = os.path.join(root, f)
    return found


def read_module(path):
    with open(path, "rb") as f:
        data = f.read()
    if path.endswith(".xz"):
        data = lzma.decompress(data)
    elif path.endswith(".gz"):
        data = gzip.decompress(data)
    return data


def modinfo(elf):
    """Return the .modinfo section of an ELF relocatable object as {key: value}."""
    if elf[:4] != b"\x7fELF":
        raise ValueError("not an ELF file")
    is64 = elf[4] == 2
    end = "<" if elf[5] == 1 else ">"
    if is64:
        shoff, = struct.unpack_from(end + "Q", elf, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from(end + "HHH", elf, 0x3A)
    else:
        shoff, = struct.unpack_from(end + "I", elf, 0x20)
        shentsize, shnum, shstrndx = struct.unpack_from(end + "HHH", elf, 0x2E)

    def section(i):
        base = shoff + i * shentsize
        if is64:
            name, _t, _f, _a, off, size = struct.unpack_from(end + "IIQQQQ", elf, base)
        else:
            name, _t, _f, _a, off, size = struct.unpack_from(end + "IIIIII", elf, base)
        return name, off, size

    _n, stroff, _s = section(shstrndx)
    for i in range(shnum):
        name, off, size = section(i)
        sname = elf[stroff + name:elf.index(b"\0", stroff + name)]
        if sname == b".modinfo":
            info = {}
            for item in elf[off:off + size].split(b"\0"):
                if b"=" in item:
                    k, v = item.split(b"=", 1)
                    info.setdefault(k.decode(), v.decode())
            return info
    return {}


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    moddir, stage, wanted = sys.argv[1], sys.argv[2], sys.argv[3:]
    avail = index(moddir)
    order, deps, blobs, missing = [], {}, {}, []
    state = {}

    def visit(name, chain):
        name = canon(name)
        if state.get(name) == "done":
            return
        if state.get(name) == "busy":
            sys.exit("moddeps: dependency loop: " + " -> ".join(chain + [name]))
        if name not in avail:
            missing.append(name)
            return
        state[name] = "busy"
        blobs[name] = read_module(avail[name])
        deps[name] = [canon(d) for d in modinfo(blobs[name]).get("depends", "").split(",") if d]
        for d in deps[name]:
            visit(d, chain + [name])
        state[name] = "done"
        order.append(name)

    for w in wanted:
        visit(w, [])
    if missing:
        print("missing: " + " ".join(sorted(set(missing))), file=sys.stderr)
        sys.exit(3)

    def rel(name):
        p = os.path.relpath(avail[name], moddir)
        for s in (".xz", ".gz"):
            if p.endswith(s):
                p = p[:-len(s)]
        return p

    for name in order:
        dst = os.path.join(stage, rel(name))
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with open(dst, "wb") as f:
            f.write(blobs[name])

    def closure(name, acc):
        for d in deps[name]:
            if d not in acc:
                acc.append(d)
                closure(d, acc)
        return acc

    with open(os.path.join(stage, "modules.dep"), "w") as f:
        for name in order:
            # depmod lists a module's dependencies so that the last one is loaded first
            need = closure(name, [])
            need.sort(key=order.index, reverse=True)
            f.write("%s:%s\n" % (rel(name), "".join(" " + rel(d) for d in need)))
    with open(os.path.join(stage, "modules.guest-order"), "w") as f:
        for name in order:
            f.write(rel(name) + "\n")
    for name in order:
        print(rel(name))


if __name__ == "__main__":
    main()
