# Sourced first by every apt layer script (lib/toolchain/guide-images/layers.ts, aptLayer): the
# container has this machine's Debian sources and the shared package cache mounted.

# Package maintainer scripts must not start services inside an image build.
cat > /usr/sbin/policy-rc.d <<'POLICY'
#!/bin/sh
exit 101
POLICY
chmod 0755 /usr/sbin/policy-rc.d

# Leave only what the layer installed: no package indexes, logs or the policy above.
finish_layer() {
	rm -f /usr/sbin/policy-rc.d
	rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt/* /var/log/dpkg.log /var/cache/debconf/*-old
}
trap finish_layer EXIT

apt-get update -q
install_packages() {
	apt-get install -y -q --no-install-recommends "$@"
}
