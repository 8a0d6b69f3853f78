#!/bin/sh
# OCI runtime wrapper installed by `npm run cluster:prepare` on hosts whose capability
# bounding set lacks capabilities that Docker grants to privileged containers.
# runc refuses to start a process asking for a capability outside the bounding set
# ("unable to apply caps: operation not permitted"), so this wrapper removes exactly
# the missing ones from the bundle's config.json (create/run) and from the process
# spec of `runc exec --process FILE`, then hands over to the real runc.
set -eu
REAL_RUNC='@REAL_RUNC@'
MISSING_CAPS='@MISSING_CAPS@'
JQ='@JQ@'

strip_caps() { # $1: JSON file, $2: jq path of the capabilities object
  [ -f "$1" ] || return 0
  tmp="$1.drop-caps.$$"
  "$JQ" --argjson drop "$MISSING_CAPS" \
    "if $2 then $2 |= with_entries(.value |= (if type == \"array\" then . - \$drop else . end)) else . end" \
    "$1" > "$tmp" && mv "$tmp" "$1"
}

bundle=''
process=''
previous=''
for arg in "$@"; do
  case "$previous" in
    --bundle|-b) bundle=$arg ;;
    --process|-p) process=$arg ;;
  esac
  case "$arg" in
    --bundle=*) bundle=${arg#--bundle=} ;;
    --process=*) process=${arg#--process=} ;;
  esac
  previous=$arg
done

[ -n "$bundle" ] && strip_caps "$bundle/config.json" '.process.capabilities'
[ -n "$process" ] && strip_caps "$process" '.capabilities'
exec "$REAL_RUNC" "$@"
