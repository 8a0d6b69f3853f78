#!/bin/bash
# kindnet-lite: the part of kindnetd that a kind cluster needs to connect pods, for node images
# built offline. kindnetd itself cannot be built there: its module (sigs.k8s.io/kind/images/kindnetd)
# is not on the Go module proxy those machines reach. It runs in kind's own kindnet DaemonSet
# (same name, RBAC, env and mounts; only the image differs) and, on every node:
#   - writes the CNI config for this node's podCIDR: ptp + host-local + portmap, the plugins
#     kind's base image ships, as kindnetd does;
#   - routes every other node's podCIDR via that node's InternalIP;
#   - masquerades pod traffic that leaves the pod network.
# Not provided: NetworkPolicy enforcement, IPv6 and dual-stack.
set -euo pipefail
: "${HOST_IP:?HOST_IP must be the address of this node}" "${POD_SUBNET:?POD_SUBNET must be the cluster pod network}"

serviceaccount=/var/run/secrets/kubernetes.io/serviceaccount
conf=/etc/cni/net.d/10-kindnet.conflist
log() { echo "$(date -u +%FT%TZ) $*"; }

kubectl_nodes() {
  local server=()
  # kind adds CONTROL_PLANE_ENDPOINT so that the network comes up without waiting for kube-proxy.
  if [ -n "${CONTROL_PLANE_ENDPOINT:-}" ]; then
    server=(--server "https://${CONTROL_PLANE_ENDPOINT}" --certificate-authority "$serviceaccount/ca.crt"
            --token "$(cat "$serviceaccount/token")")
  fi
  kubectl "${server[@]}" get nodes -o \
    jsonpath='{range .items[*]}{.spec.podCIDR}{" "}{.status.addresses[?(@.type=="InternalIP")].address}{"\n"}{end}'
}

write_cni_config() {
  local subnet=$1 wanted
  wanted=$(cat <<EOF
{
  "cniVersion": "0.3.1",
  "name": "kindnet",
  "plugins": [
    {
      "type": "ptp",
      "ipMasq": false,
      "ipam": {
        "type": "host-local",
        "dataDir": "/run/cni-ipam-state",
        "routes": [{ "dst": "0.0.0.0/0" }],
        "ranges": [[{ "subnet": "${subnet}" }]]
      },
      "mtu": 1500
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
EOF
)
  if [ "$(cat "$conf" 2>/dev/null)" != "$wanted" ]; then
    printf '%s\n' "$wanted" > "$conf.tmp" && mv "$conf.tmp" "$conf"
    log "wrote $conf for podCIDR $subnet"
  fi
}

ensure_masquerade() {
  local rule=(POSTROUTING -s "$POD_SUBNET" ! -d "$POD_SUBNET" -m comment --comment kindnet-lite -j MASQUERADE)
  iptables -t nat -C "${rule[@]}" 2>/dev/null || { iptables -t nat -A "${rule[@]}" && log "masquerading $POD_SUBNET"; }
}

declare -A routed=()
log "kindnet-lite on $HOST_IP, pod network $POD_SUBNET"
while true; do
  if nodes=$(kubectl_nodes 2>&1); then
    while read -r cidr address; do
      [ -n "$cidr" ] && [ -n "$address" ] || continue
      if [ "$address" = "$HOST_IP" ]; then
        write_cni_config "$cidr"
      else
        # replace is idempotent; repeating it also repairs a route someone removed.
        ip route replace "$cidr" via "$address"
        [ "${routed[$cidr]:-}" = "$address" ] || { routed[$cidr]=$address; log "route $cidr via $address"; }
      fi
    done <<< "$nodes"
    ensure_masquerade
  else
    log "cannot list nodes yet: ${nodes##*$'\n'}"
  fi
  sleep 5
done
