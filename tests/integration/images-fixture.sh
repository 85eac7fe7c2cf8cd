#!/bin/sh
# images-fixture.sh - the test images of the images suite (test_images.c), built offline.
#
#   images-fixture.sh build FIX        OCI layouts in FIX/layouts, built with umoci as root of
#                                      conti-rootless's user namespace (`unshare`), so files
#                                      keep owners such as uid 33 and the Debian rootfs's
#                                      files readable only there are read
#   images-fixture.sh seed FIX HOST:PORT   pushes them to the registry at HOST:PORT (started
#                                      by the suite), writes FIX/registries.conf, the archives
#                                      (skopeo's docker-archive and oci-archive, podman save's)
#                                      and FIX/facts: KEY=VALUE lines the tests read
#   images-fixture.sh evil FIX KIND TARGET   an OCI layout FIX (tag evil) whose one layer
#                                      escapes to TARGET (an absolute path outside it):
#                                      KIND dotdot, abs, symlink (a symlink then a file
#                                      through it), hardlink (a hard link to TARGET, then
#                                      content written through it), benign (the same
#                                      layout with no escape: the control)
#   images-fixture.sh clean FIX        stops podman's pause process and removes FIX
#
# Environment: CONTI_BIN (the front end, for `unshare`), CONTI_MKROOTFS, and
# CONTI_TEST_DEBIAN_ROOTFS (optional: the Debian images are made only when it is set).
#
# The images (repository contibox unless said):
#   base     the busybox rootfs plus a www-data (33) user: one layer
#   test     base + L2 (files, a dir owned by 33, a setuid file, hard links, a long name)
#            + L3 (gone.txt and gonedir/ deleted: whiteouts; keep.txt rewritten)
#            + L4 (opq/ replaced: an opaque directory holding only opq/new, written with
#            python's tarfile, its whiteout entry first); config Env,
#            Cmd, WorkingDir, User www-data, StopSignal SIGQUIT, a Label, ExposedPorts
#   other    base + one layer of its own (the second image on one base)
#   corrupt  base + one layer of random bytes, pushed as contibox-corrupt:test (its blob is
#            the one the corrupted-blob test overwrites in the registry)
#   contibox-zstd:test  test, its layers recompressed with zstd
#   debian:test, debian:other   the Debian rootfs as one base layer + one small layer each
set -eu

die() {
	echo "images-fixture: $*" >&2
	exit 1
}

conti() { "${CONTI_BIN:?CONTI_BIN is not set}" "$@"; }

# As root of the tool's user namespace; $1 is the directory to work in (unshare starts
# its command elsewhere).
in_ns() {
	dir=$1
	shift
	conti unshare sh -euc "cd '$dir' && $*"
}

# The JSON value at a path of keys/indexes (python3: meson's own interpreter).
json() { # FILE EXPR
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {"d": d}))' "$1" "$2"
}

# A new layer on layout:FROM saved as layout:TO, made by the shell COMMANDS run in the
# unpacked rootfs (as root of the user namespace).
add_layer() { # LAYOUT FROM TO COMMANDS
	lay=$1 from=$2 to=$3 cmds=$4
	rm -rf "$FIX/bundle"
	in_ns "$FIX" "umoci unpack --image '$lay:$from' bundle >/dev/null &&
		(cd bundle/rootfs && $cmds) &&
		umoci repack --image '$lay:$to' bundle >/dev/null && rm -rf bundle"
}

# A new layer on layout:FROM saved as layout:TO: the tree SRC as the layer's root, every
# entry owned by 0:0; with OPAQUE (a directory of SRC), that directory's opaque whiteout
# entry comes first, before the directory's own entry (as umoci insert --opaque writes it).
# Written with python's tarfile, not umoci insert: umoci 0.4.7's insert leaves the tar
# unterminated (the last file's padding and the end blocks missing), which GNU tar and
# libarchive rightly call truncated.
append() { # LAYOUT FROM TO SRC [OPAQUE]
	python3 - "$@" <<'PY'
import gzip, hashlib, io, json, os, sys, tarfile
lay, frm, to, src = sys.argv[1:5]
opaque = sys.argv[5] if len(sys.argv) > 5 else None
def blob_path(d):
    return os.path.join(lay, "blobs", "sha256", d.split(":", 1)[1])
def put(data):
    h = hashlib.sha256(data).hexdigest()
    with open(os.path.join(lay, "blobs", "sha256", h), "wb") as f:
        f.write(data)
    return "sha256:" + h, len(data)
index = json.load(open(os.path.join(lay, "index.json")))
desc = [m for m in index["manifests"]
        if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == frm][0]
man = json.load(open(blob_path(desc["digest"])))
cfg = json.load(open(blob_path(man["config"]["digest"])))
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
    def add(rel):
        info = t.gettarinfo(os.path.join(src, rel), arcname=rel)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        if info.isreg():
            with open(os.path.join(src, rel), "rb") as f:
                t.addfile(info, f)
        else:
            t.addfile(info)
    for root, dirs, files in os.walk(src):
        dirs.sort()
        for name in sorted(dirs + files):
            rel = os.path.relpath(os.path.join(root, name), src)
            if rel == opaque:
                wh = tarfile.TarInfo(rel + "/.wh..wh..opq")
                t.addfile(wh)
            add(rel)
raw = buf.getvalue()
ldig, lsize = put(gzip.compress(raw, mtime=0))
cfg["rootfs"]["diff_ids"].append("sha256:" + hashlib.sha256(raw).hexdigest())
cfg.setdefault("history", []).append({"created_by": "images-fixture.sh append"})
cdig, csize = put(json.dumps(cfg).encode())
man["config"] = dict(man["config"], digest=cdig, size=csize)
man["layers"].append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                      "digest": ldig, "size": lsize})
mdig, msize = put(json.dumps(man).encode())
index["manifests"] = [m for m in index["manifests"]
                      if m.get("annotations", {}).get("org.opencontainers.image.ref.name") != to]
index["manifests"].append(dict(desc, digest=mdig, size=msize,
                               annotations={"org.opencontainers.image.ref.name": to}))
with open(os.path.join(lay, "index.json"), "w") as f:
    json.dump(index, f)
PY
}

build_busybox() {
	lay=$FIX/layouts/busybox
	"${CONTI_MKROOTFS:?CONTI_MKROOTFS is not set}" busybox "$FIX/bbrootfs"
	echo "www-data:x:33:33:www-data:/var/www:/bin/sh" >>"$FIX/bbrootfs/etc/passwd"
	echo "www-data:x:33:" >>"$FIX/bbrootfs/etc/group"
	echo "base layer" >"$FIX/bbrootfs/base.txt"
	in_ns "$FIX" "umoci init --layout '$lay' && umoci new --image '$lay:empty'"
	add_layer "$lay" empty base "cp -a '$FIX/bbrootfs/.' . && chown -R 0:0 ."
	rm -rf "$FIX/bbrootfs"
	add_layer "$lay" base l2 "
		echo gone >gone.txt && mkdir -p gonedir opq/sub srv/work var/www &&
		echo f >gonedir/f && echo old1 >opq/old1 && echo deep >opq/sub/deep &&
		echo layer2 >keep.txt && echo owned >srv/work/owned33 && chown -R 33:33 srv/work &&
		echo setuid >suid && chmod 4755 suid &&
		echo linked >hard1 && ln hard1 hard2 &&
		mkdir -p long && echo long >long/$(printf 'n%.0s' $(seq 1 150))"
	add_layer "$lay" l2 l3 "rm -rf gone.txt gonedir && echo layer3 >keep.txt && echo top >layer3.txt"
	mkdir -p "$FIX/l4/opq/new-sub"
	echo new >"$FIX/l4/opq/new"
	append "$lay" l3 l4 "$FIX/l4" opq
	in_ns "$FIX" "umoci config --image '$lay:l4' --tag test \
		--config.env FIXTURE_ENV=from-image --config.env PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		--config.cmd sh --config.cmd -c --config.cmd 'echo image-cmd-ran' \
		--config.workingdir /srv/work --config.user www-data --config.stopsignal SIGQUIT \
		--config.label org.example.fixture=layers --config.exposedports 8080/tcp"
	mkdir -p "$FIX/other-l"
	echo other-image >"$FIX/other-l/other.txt"
	append "$lay" base other-l "$FIX/other-l"
	in_ns "$FIX" "umoci config --image '$lay:other-l' --tag other \
		--config.cmd cat --config.cmd /other.txt"
	mkdir -p "$FIX/corrupt-l"
	head -c 262144 /dev/urandom >"$FIX/corrupt-l/random.bin"
	append "$lay" base corrupt "$FIX/corrupt-l"
	rm -rf "$FIX/l4" "$FIX/other-l" "$FIX/corrupt-l"
}

build_debian() {
	deb=$1
	lay=$FIX/layouts/debian
	in_ns "$FIX" "umoci init --layout '$lay' && umoci new --image '$lay:empty'"
	# the rootfs copied into the bundle inside the namespace: some of its files (shadow)
	# are readable only there
	add_layer "$lay" empty base "cp -a '$deb/.' ."
	mkdir -p "$FIX/deb-l/etc"
	echo debian-test >"$FIX/deb-l/etc/fixture.txt"
	append "$lay" base test-l "$FIX/deb-l"
	in_ns "$FIX" "umoci config --image '$lay:test-l' --tag test \
		--config.cmd cat --config.cmd /etc/fixture.txt --config.env FIXTURE_ENV=debian"
	echo debian-other >"$FIX/deb-l/etc/fixture.txt"
	append "$lay" base other-l "$FIX/deb-l"
	rm -rf "$FIX/deb-l"
	in_ns "$FIX" "umoci config --image '$lay:other-l' --tag other \
		--config.cmd cat --config.cmd /etc/fixture.txt"
}

cmd_build() {
	mkdir -p "$FIX/layouts"
	build_busybox
	if [ -n "${CONTI_TEST_DEBIAN_ROOTFS:-}" ]; then
		[ -d "$CONTI_TEST_DEBIAN_ROOTFS/etc" ] ||
			die "CONTI_TEST_DEBIAN_ROOTFS=$CONTI_TEST_DEBIAN_ROOTFS is not a rootfs"
		build_debian "$CONTI_TEST_DEBIAN_ROOTFS"
	fi
}

# podman with its own storage in FIX (its files belong to subordinate ids: `clean`
# removes them in the user namespace).
pm() {
	podman --root "$FIX/podman/root" --runroot "$FIX/podman/run" --tmpdir "$FIX/podman/tmp" \
		--storage-driver vfs --runtime runc --cgroup-manager cgroupfs --events-backend file \
		"$@"
}

push() { # LAYOUT:TAG NAME:TAG [SKOPEO OPTIONS]
	src=$1 dst=$2
	shift 2
	skopeo copy -q "$@" --dest-tls-verify=false "oci:$src" "docker://$REG/$dst" >/dev/null
}

fact() { echo "$1=$2" >>"$FIX/facts"; }

# Facts of REG/NAME:TAG as a pull sees them: manifest digest (skopeo inspect's), image
# id (config digest), the layers' diff_ids (base first) and compressed blob digests.
facts_of() { # PREFIX NAME:TAG
	skopeo inspect --tls-verify=false --raw "docker://$REG/$2" >"$FIX/m.json"
	skopeo inspect --tls-verify=false --config --raw "docker://$REG/$2" >"$FIX/c.json"
	[ "$(sha256sum <"$FIX/c.json" | cut -d' ' -f1)" = "$(json "$FIX/m.json" 'd["config"]["digest"][7:]')" ] ||
		die "$2: skopeo inspect --config is not the config blob"
	fact "$1_DIGEST" "$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$REG/$2")"
	fact "$1_ID" "$(json "$FIX/m.json" 'd["config"]["digest"][7:]')"
	fact "$1_DIFFIDS" "$(json "$FIX/c.json" '" ".join(x[7:] for x in d["rootfs"]["diff_ids"])')"
	fact "$1_BLOBS" "$(json "$FIX/m.json" '" ".join(x["digest"][7:] for x in d["layers"])')"
	rm -f "$FIX/m.json" "$FIX/c.json"
}

cmd_seed() {
	: >"$FIX/facts"
	fact REG "$REG"
	cat >"$FIX/registries.conf" <<EOF
unqualified-search-registries = ["$REG"]
short-name-mode = "permissive"

[[registry]]
location = "$REG"
insecure = true

[aliases]
"conti-alias" = "$REG/contibox"
EOF
	export CONTAINERS_REGISTRIES_CONF="$FIX/registries.conf"
	bb=$FIX/layouts/busybox
	push "$bb:test" contibox:test
	push "$bb:other" contibox:other
	push "$bb:base" contibox:base
	push "$bb:corrupt" contibox-corrupt:test
	# zstd: recompressed into a layout of its own, pushed as is (no blob substituted)
	skopeo copy -q --dest-compress --dest-compress-format zstd "oci:$bb:test" \
		"oci:$FIX/layouts/zstd:test" >/dev/null
	push "$FIX/layouts/zstd:test" contibox-zstd:test --preserve-digests
	facts_of BB_TEST contibox:test
	facts_of BB_OTHER contibox:other
	facts_of BB_CORRUPT contibox-corrupt:test
	facts_of BB_ZSTD contibox-zstd:test
	if [ -d "$FIX/layouts/debian" ]; then
		push "$FIX/layouts/debian:test" debian:test
		push "$FIX/layouts/debian:other" debian:other
		facts_of DEB_TEST debian:test
		facts_of DEB_OTHER debian:other
	fi
	mkdir -p "$FIX/archives" "$FIX/podman/tmp"
	skopeo copy -q "oci:$bb:test" "docker-archive:$FIX/archives/skopeo-docker.tar:localhost/archived:docker" >/dev/null
	skopeo copy -q "oci:$bb:test" "oci-archive:$FIX/archives/skopeo-oci.tar:archived-oci" >/dev/null
	# what `podman save` writes (docker-archive, its default), of the image as podman pulled it
	pm pull -q "$REG/contibox:other" >/dev/null
	pm save -q -o "$FIX/archives/podman-saved.tar" "$REG/contibox:other"
	pm rmi -a -f >/dev/null
	fact SKOPEO_DOCKER_ARCHIVE "$FIX/archives/skopeo-docker.tar"
	fact SKOPEO_OCI_ARCHIVE "$FIX/archives/skopeo-oci.tar"
	fact PODMAN_ARCHIVE "$FIX/archives/podman-saved.tar"
	fact REGISTRY_BLOBS "$FIX/registry/docker/registry/v2/blobs/sha256"
}

# One hand-written OCI layout whose single layer escapes in the way KIND says.
cmd_evil() { # KIND TARGET
	python3 - "$FIX" "$1" "$2" <<'PY'
import gzip, hashlib, io, json, os, sys, tarfile
out, kind, target = sys.argv[1], sys.argv[2], sys.argv[3]
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
    def add(name, data=None, typ=tarfile.REGTYPE, link=""):
        i = tarfile.TarInfo(name)
        i.type, i.linkname, i.mode = typ, link, 0o755 if typ == tarfile.DIRTYPE else 0o644
        i.size = len(data) if data is not None else 0
        t.addfile(i, io.BytesIO(data) if data is not None else None)
    add("ok.txt", b"before the escape\n")
    if kind == "dotdot":
        add("../" * 64 + target.lstrip("/"), b"escaped\n")
    elif kind == "abs":
        add(target, b"escaped\n")
    elif kind == "symlink":
        add("link", typ=tarfile.SYMTYPE, link=os.path.dirname(target))
        add("link/" + os.path.basename(target), b"escaped\n")
    elif kind == "hardlink":
        add("hl", typ=tarfile.LNKTYPE, link=target)
        add("hl", b"escaped\n")
    elif kind != "benign":
        sys.exit("unknown kind " + kind)
raw = buf.getvalue()
gz = gzip.compress(raw, mtime=0)
os.makedirs(out + "/blobs/sha256")
def blob(data):
    h = hashlib.sha256(data).hexdigest()
    with open(out + "/blobs/sha256/" + h, "wb") as f:
        f.write(data)
    return {"digest": "sha256:" + h, "size": len(data)}
cfg = json.dumps({"architecture": "amd64", "os": "linux",
                  "config": {"Cmd": ["/bin/sh"]},
                  "rootfs": {"type": "layers",
                             "diff_ids": ["sha256:" + hashlib.sha256(raw).hexdigest()]}}).encode()
c = blob(cfg)
l = blob(gz)
man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                  "config": dict(c, mediaType="application/vnd.oci.image.config.v1+json"),
                  "layers": [dict(l, mediaType="application/vnd.oci.image.layer.v1.tar+gzip")]}).encode()
m = blob(man)
with open(out + "/index.json", "w") as f:
    json.dump({"schemaVersion": 2, "manifests": [dict(m,
        mediaType="application/vnd.oci.image.manifest.v1+json",
        annotations={"org.opencontainers.image.ref.name": "evil"})]}, f)
with open(out + "/oci-layout", "w") as f:
    f.write('{"imageLayoutVersion": "1.0.0"}')
print(hashlib.sha256(raw).hexdigest())
PY
}

cmd_clean() {
	pause=$FIX/podman/tmp/pause.pid
	[ ! -f "$pause" ] || kill "$(cat "$pause")" 2>/dev/null || true
	[ ! -d "$FIX" ] || conti unshare rm -rf "$FIX"
}

[ $# -ge 2 ] || die "usage: $0 build|seed|evil|clean FIX ..."
cmd=$1
FIX=$2
shift 2
case $cmd in
build) cmd_build ;;
seed)
	REG=${1:?HOST:PORT}
	cmd_seed
	;;
evil) cmd_evil "$@" ;;
clean) cmd_clean ;;
*) die "unknown command $cmd" ;;
esac
