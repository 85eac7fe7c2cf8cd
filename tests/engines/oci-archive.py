#!/usr/bin/env python3
"""oci-archive.py ROOTFS NAME OUT.tar: an OCI image archive (oci-layout, index.json, blobs)
of the directory ROOTFS as one uncompressed layer owned by root, named NAME in index.json
(io.containerd.image.name and org.opencontainers.image.ref.name), for `ctr image import`
offline. amd64/linux as this machine."""
import hashlib
import io
import json
import os
import platform
import sys
import tarfile


def layer(rootfs):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w', format=tarfile.PAX_FORMAT) as t:
        def owner(ti):
            ti.uid = ti.gid = 0
            ti.uname = ti.gname = 'root'
            ti.mtime = 1700000000
            return ti
        for name in sorted(os.listdir(rootfs)):
            t.add(os.path.join(rootfs, name), arcname=name, filter=owner)
    return buf.getvalue()


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    rootfs, name, out = sys.argv[1:]
    arch = {'x86_64': 'amd64', 'aarch64': 'arm64'}.get(platform.machine(), platform.machine())
    blobs = {}

    def blob(data, media):
        d = 'sha256:' + hashlib.sha256(data).hexdigest()
        blobs[d] = data
        return {'mediaType': media, 'digest': d, 'size': len(data)}

    lay = layer(rootfs)
    lay_desc = blob(lay, 'application/vnd.oci.image.layer.v1.tar')
    config = {'architecture': arch, 'os': 'linux',
              'config': {'Env': ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
                         'Cmd': ['sh']},
              'rootfs': {'type': 'layers', 'diff_ids': [lay_desc['digest']]}}
    cfg_desc = blob(json.dumps(config).encode(), 'application/vnd.oci.image.config.v1+json')
    manifest = {'schemaVersion': 2, 'mediaType': 'application/vnd.oci.image.manifest.v1+json',
                'config': cfg_desc, 'layers': [lay_desc]}
    man_desc = blob(json.dumps(manifest).encode(), 'application/vnd.oci.image.manifest.v1+json')
    man_desc['annotations'] = {'io.containerd.image.name': name,
                               'org.opencontainers.image.ref.name': name.rsplit(':', 1)[-1]}
    man_desc['platform'] = {'architecture': arch, 'os': 'linux'}
    index = {'schemaVersion': 2, 'mediaType': 'application/vnd.oci.image.index.v1+json',
             'manifests': [man_desc]}
    with tarfile.open(out, 'w') as t:
        def add(path, data):
            ti = tarfile.TarInfo(path)
            ti.size = len(data)
            ti.mtime = 1700000000
            t.addfile(ti, io.BytesIO(data))
        add('oci-layout', b'{"imageLayoutVersion":"1.0.0"}')
        add('index.json', json.dumps(index).encode())
        for d, data in blobs.items():
            add('blobs/sha256/' + d.split(':')[1], data)
    return 0


if __name__ == '__main__':
    sys.exit(main())
