#!/usr/bin/env python3
"""image-layer.py KIND OUT.tar: writes a layer tarball for the image store's tests.

  top       the top layer of the test image: an opaque dir (opt/d/.wh..wh..opq + a new
            file), a file owned by 33:33, a setuid file, a hard link, a 150-byte name, a
            FIFO, a character device (skipped with a note), a symlink, xattrs
            (user.test kept; trusted.* and user.overlay.* dropped)
  dotdot    an entry "../evil"                       (refused)
  absolute  an entry "/abs-evil"                     (refused)
  symlink   "link" -> OUTSIDE, then "link/evil"      (refused: through a symlink)
  hardlink  a hard link to "../../etc/passwd"        (refused)
  unmapped  a file owned by 4000000000, which no user namespace maps
  big       MB (argv[3]) of incompressible data in 8 files (for a killed unpack)
"""
import io
import os
import sys
import tarfile


def add_file(t, name, data=b"", mode=0o644, uid=0, gid=0, pax=None):
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    ti.mode = mode
    ti.uid, ti.gid = uid, gid
    ti.mtime = 1700000000
    if pax:
        ti.pax_headers = pax
    t.addfile(ti, io.BytesIO(data))


def add(t, name, kind, **kw):
    ti = tarfile.TarInfo(name)
    ti.type = kind
    ti.mode = kw.get("mode", 0o755)
    ti.mtime = 1700000000
    ti.linkname = kw.get("link", "")
    ti.devmajor, ti.devminor = kw.get("dev", (0, 0))
    t.addfile(ti)


def main():
    kind, out = sys.argv[1], sys.argv[2]
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
        if kind == "top":
            add(t, "opt/", tarfile.DIRTYPE)
            add(t, "opt/d/", tarfile.DIRTYPE)
            add_file(t, "opt/d/.wh..wh..opq")
            add_file(t, "opt/d/new", b"new in the top layer\n")
            add(t, "srv/", tarfile.DIRTYPE)
            add_file(t, "srv/www-data", b"owned by 33\n", uid=33, gid=33)
            add_file(t, "bin/suid-tool", b"#!/bin/sh\n", mode=0o4755)
            add(t, "bin/suid-link", tarfile.LNKTYPE, link="bin/suid-tool")
            add_file(t, "long/" + "n" * 150, b"a long name\n")
            add(t, "run-fifo", tarfile.FIFOTYPE, mode=0o600)
            add(t, "dev-null", tarfile.CHRTYPE, mode=0o666, dev=(1, 3))
            add(t, "etc/motd-link", tarfile.SYMTYPE, link="../opt/d/new")
            add_file(t, "xattr-file", b"x\n", pax={
                "SCHILY.xattr.user.test": "kept",
                "SCHILY.xattr.trusted.overlay.opaque": "y",
                "SCHILY.xattr.user.overlay.redirect": "/x",
            })
        elif kind == "dotdot":
            add_file(t, "ok-file", b"fine\n")
            add_file(t, "../evil", b"escaped\n")
        elif kind == "absolute":
            add_file(t, "ok-file", b"fine\n")
            add_file(t, "/abs-evil", b"escaped\n")
        elif kind == "symlink":
            add(t, "link", tarfile.SYMTYPE, link=sys.argv[3])
            add_file(t, "link/evil", b"escaped\n")
        elif kind == "hardlink":
            add_file(t, "ok-file", b"fine\n")
            add(t, "hl", tarfile.LNKTYPE, link="../../etc/passwd")
        elif kind == "unmapped":
            add_file(t, "ok-file", b"fine\n")
            add_file(t, "far-owner", b"x\n", uid=4000000000, gid=4000000000)
        elif kind == "big":
            mb = int(sys.argv[3])
            for i in range(8):
                add_file(t, "big/%d" % i, os.urandom(mb * 1024 * 1024 // 8))
        else:
            sys.exit("unknown kind " + kind)


main()
