#!/usr/bin/env bash
# Installs Prometheus and promtool (Debian package `prometheus`) when either is missing: the
# deploy/ tests check and unit-test the alert rules with promtool and scrape a live stack with
# a Prometheus of their own. The package's system service is stopped and disabled; the tests
# run their own instance on a free loopback port with a temporary data folder. Idempotent.
set -euo pipefail

say() { echo "[prometheus-deps] $*" >&2; }

if command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1; then
  exit 0
fi
command -v apt-get >/dev/null 2>&1 || { say "promtool/prometheus missing and there is no apt-get: install Prometheus 2.x so both are on PATH"; exit 1; }
[ "$(id -u)" = 0 ] || { say "promtool/prometheus missing: run as root, or apt-get install -y prometheus"; exit 1; }

log="$(mktemp -t prometheus-apt.XXXXXX.log)"
say "installing prometheus (apt-get; log: $log)"
# Don't let the package start its server on 9090 where an init system would start it.
policy=/usr/sbin/policy-rc.d
added_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && added_policy=1
fi
restore_policy() { [ "$added_policy" = 1 ] && rm -f "$policy"; return 0; }
trap restore_policy EXIT
{ DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update \
    && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends \
         -o Dpkg::Options::=--force-confold prometheus; } >"$log" 2>&1 \
  || { say "apt-get install prometheus failed; see $log"; exit 1; }
hash -r

# Where an init system runs, the package enables its own server: stop and disable it.
if command -v systemctl >/dev/null 2>&1 && systemctl is-enabled --quiet prometheus 2>/dev/null; then
  systemctl disable --now prometheus >>"$log" 2>&1 || say "could not stop the system service prometheus"
elif [ -x /etc/init.d/prometheus ] && command -v update-rc.d >/dev/null 2>&1; then
  /etc/init.d/prometheus stop >>"$log" 2>&1 || true
  update-rc.d prometheus disable >>"$log" 2>&1 || true
fi
command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1 \
  || { say "prometheus installed but promtool or prometheus is still not on PATH; see $log"; exit 1; }
say "$(prometheus --version 2>&1 | head -n1)"
