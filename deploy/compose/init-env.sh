#!/usr/bin/env bash
# Writes .env for the compose stack: .env.example with every empty SECRET filled with a fresh
# random value (NATS passwords, session signing key, vault key, Grafana admin password).
# Never overwrites an existing file. Needs Node 18+ on this machine, else a Docker engine
# (it then runs in the node:24 image).
#
#   bash deploy/compose/init-env.sh [--out FILE]     default FILE: .env beside docker-compose.yml
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$ROOT/.env"
case "${1:-}" in
  --out) [ $# -eq 2 ] || { echo "usage: bash deploy/compose/init-env.sh [--out FILE]" >&2; exit 2; }; OUT="$2" ;;
  "") ;;
  *) echo "usage: bash deploy/compose/init-env.sh [--out FILE]" >&2; exit 2 ;;
esac
if [ -e "$OUT" ]; then
  echo "init-env: $OUT exists; not overwriting it (delete it first to start over)" >&2
  exit 1
fi

# Reads .env.example on stdin, writes the filled file on stdout. Node built-ins only.
GENERATE='
const crypto = require("node:crypto");
const day = new Date().toISOString().slice(0, 10).replaceAll("-", "");
const natsPassword = () => "p" + crypto.randomBytes(24).toString("hex");
const signingKeys = () => {
  const { kty, crv, x, d } = crypto.generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" });
  return "\x27" + JSON.stringify([{ kty, crv, x, d, kid: "k" + day, alg: "EdDSA", use: "sig" }]) + "\x27";
};
const secrets = {
  NATS_GATEWAY_PASSWORD: natsPassword, NATS_AUTH_PASSWORD: natsPassword, NATS_PLANNER_PASSWORD: natsPassword,
  NATS_SYNTHESIZER_PASSWORD: natsPassword, NATS_WORKER_PASSWORD: natsPassword, NATS_ADMIN_PASSWORD: natsPassword,
  AUTH_SIGNING_KEYS: signingKeys,
  MOSAIC_VAULT_KEYS: () => "k" + day + ":" + crypto.randomBytes(32).toString("base64"),
  GRAFANA_ADMIN_PASSWORD: () => crypto.randomBytes(18).toString("base64url"),
};
let text = "";
process.stdin.on("data", (chunk) => (text += chunk)).on("end", () => {
  const filled = new Set();
  const out = text.split("\n").map((line) => {
    const m = /^([A-Z0-9_]+)=$/.exec(line);
    if (!m || !secrets[m[1]]) return line;
    filled.add(m[1]);
    return m[1] + "=" + secrets[m[1]]();
  });
  const missing = Object.keys(secrets).filter((name) => !filled.has(name));
  if (missing.length) {
    process.stderr.write("init-env: .env.example has no empty line for " + missing.join(", ") + "\n");
    process.exit(1);
  }
  process.stdout.write("# Written by deploy/compose/init-env.sh on " + new Date().toISOString() + ". Holds secrets: never commit it.\n" + out.join("\n"));
});
'

umask 077
tmp="$OUT.tmp.$$"
trap 'rm -f "$tmp"' EXIT
if command -v node >/dev/null 2>&1 && node -e 'process.exit(+process.versions.node.split(".")[0] >= 18 ? 0 : 1)'; then
  node -e "$GENERATE" <"$ROOT/.env.example" >"$tmp"
elif command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  docker run --rm -i node:24-bookworm-slim node -e "$GENERATE" <"$ROOT/.env.example" >"$tmp"
else
  echo "init-env: needs Node 18+ or a Docker engine to generate the keys" >&2
  exit 1
fi
chmod 0600 "$tmp"
mv -f "$tmp" "$OUT"
trap - EXIT
echo "init-env: wrote $OUT (mode 0600) with fresh secrets; keep it out of git"
