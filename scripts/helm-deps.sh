#!/usr/bin/env bash
# What helm/test needs to render and check the Helm chart without Helm (none of it is Helm):
#   golang-go, golang-github-masterminds-sprig-dev, golang-github-ghodss-yaml-dev
#       build helm/tools/render (Go's text/template + sprig, GOPATH mode: no module downloads)
#   nats-server
#       checks the rendered NATS users config (`nats-server -t`)
# Installs only what is missing (Debian packages, apt as root or with sudo); idempotent and
# quick when everything is there.
set -euo pipefail

need=()
command -v go >/dev/null 2>&1 || need+=(golang-go)
[ -d /usr/share/gocode/src/github.com/Masterminds/sprig ] || need+=(golang-github-masterminds-sprig-dev)
[ -d /usr/share/gocode/src/github.com/ghodss/yaml ] || need+=(golang-github-ghodss-yaml-dev)
command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || need+=(nats-server)
[ "${#need[@]}" -eq 0 ] && exit 0

echo "[helm-deps] installing ${need[*]}" >&2
command -v apt-get >/dev/null 2>&1 || { echo "[helm-deps] error: apt-get not found; install ${need[*]} (Debian package names) yourself" >&2; exit 1; }
sudo=()
[ "$(id -u)" = 0 ] || sudo=(sudo)
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
