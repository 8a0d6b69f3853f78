# kind's node base image, rebuilt without a registry: the root filesystem is a debootstrapped
# Debian (the packages kind's base image installs, plus Debian's containerd, runc and CNI
# plugins), and the static files come from the pinned kind module. The steps mirror what
# kind's images/base/Dockerfile does at that release; comments say where this one differs.
ARG ROOTFS
FROM ${ROOTFS}

# kind's files/ tree (entrypoint, systemd units, containerd config, kubelet drop-ins) and the
# crictl built from source (bookworm has no crictl package; kind uses it for `export logs`).
COPY files/ /
COPY crictl /usr/local/bin/crictl

RUN set -eux; \
    chmod 0755 /usr/local/bin/* /kind/bin/*; \
    # Debian's containerd, ctr and shim stand in for kind's own builds at the paths kind's units use.
    for binary in containerd ctr containerd-shim-runc-v2; do ln -sf "/usr/bin/$binary" "/usr/local/bin/$binary"; done; \
    mkdir -p /opt/cni/bin; \
    for plugin in host-local loopback ptp portmap; do cp "/usr/lib/cni/$plugin" /opt/cni/bin/; done; \
    # systemd as PID 1 of a container: start only what a node needs.
    find /lib/systemd/system/sysinit.target.wants/ -name systemd-tmpfiles-setup.service -delete; \
    rm -f /lib/systemd/system/multi-user.target.wants/* /etc/systemd/system/*.wants/* \
          /lib/systemd/system/local-fs.target.wants/* /lib/systemd/system/basic.target.wants/* \
          /lib/systemd/system/sockets.target.wants/*udev* /lib/systemd/system/sockets.target.wants/*initctl*; \
    echo "ReadKMsg=no" >> /etc/systemd/journald.conf; \
    ln -sf "$(command -v systemd)" /sbin/init; \
    systemctl enable kubelet.service containerd.service undo-mount-hacks.service; \
    systemctl mask systemd-binfmt.service; \
    mkdir -p /etc/kubernetes/manifests; \
    # The CRI base spec: containerd's default plus kind's hook that mounts product_uuid.
    ctr oci spec \
      | jq '.hooks.createContainer[.hooks.createContainer | length] |= . + {"path": "/kind/bin/mount-product-files.sh"}' \
      | jq 'del(.process.rlimits)' > /etc/containerd/cri-base.json; \
    containerd --version; runc --version; crictl --version

ENV container=docker
STOPSIGNAL SIGRTMIN+3
ENTRYPOINT [ "/usr/local/bin/entrypoint", "/sbin/init" ]
