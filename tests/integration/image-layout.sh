#!/bin/sh
# image-layout.sh DIR: builds the OCI image layout DIR/oci the image store's tests pull
# (umoci, offline, from `mkrootfs busybox`), tagged:
#   base    the busybox rootfs plus etc/gone.txt and opt/d/{a,b}
#   two     base + a layer deleting etc/gone.txt (a whiteout, umoci's)
#   three   two + the "top" layer of image-layer.py (an opaque opt/d, owners, setuid, ...)
#   other   base + a layer adding etc/other.txt (a second image on the same base)
#   dotdot absolute symlink hardlink unmapped   one bad layer each (on an empty image)
#   big     an empty image + a layer of $IMAGE_BIG_MB (default 64) MB of random data
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir=$1
mkdir -p "$dir"
cd "$dir"
"${CONTI_MKROOTFS:-$here/../../contrib/mkrootfs}" busybox bb >/dev/null
echo gone >bb/etc/gone.txt
mkdir -p bb/opt/d
echo a >bb/opt/d/a
echo b >bb/opt/d/b
umoci init --layout oci
umoci new --image oci:base
umoci config --image oci:base --config.env PATH=/bin:/usr/bin --config.cmd /bin/sh \
	--config.workingdir /opt --config.label org.test=yes
umoci unpack --rootless --image oci:base b1 >/dev/null
cp -a bb/. b1/rootfs/
umoci repack --image oci:base b1
umoci tag --image oci:base two
umoci tag --image oci:base other
rm -rf b1
umoci unpack --rootless --image oci:two b2 >/dev/null
rm b2/rootfs/etc/gone.txt
umoci repack --image oci:two b2
rm -rf b2
umoci unpack --rootless --image oci:other b3 >/dev/null
echo other >b3/rootfs/etc/other.txt
umoci repack --image oci:other b3
rm -rf b3
python3 "$here/image-layer.py" top top.tar
umoci raw add-layer --image oci:two --tag three top.tar
umoci new --image oci:empty
mkdir -p outside
for k in dotdot absolute symlink hardlink unmapped; do
	python3 "$here/image-layer.py" $k $k.tar "$PWD/outside"
	umoci raw add-layer --image oci:empty --tag $k $k.tar
done
python3 "$here/image-layer.py" big big.tar "${IMAGE_BIG_MB:-64}"
umoci raw add-layer --image oci:empty --tag big big.tar
rm -f ./*.tar
