#!/usr/bin/env bash
# npm run bench: the MCP echo tool called directly vs. through a whole Mosaic stack, at
# concurrency 1 and 32 (libs/testing/src/bench/query-vs-direct.bench.ts). Builds, starts
# the `test` infrastructure profile (stopped again on exit only if this script started
# it), and passes its arguments on:  npm run bench -- --help
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$MOSAIC_ROOT"
mosaic_ensure_node
mosaic_ensure_packages
echo "[bench] building" >&2
npm run --silent build >/dev/null

profile=test
started_infra=0
if ! bash scripts/infra.sh status --profile "$profile" >/dev/null 2>&1; then
  started_infra=1
fi
bash scripts/infra.sh start --profile "$profile" >&2
stop_infra() {
  if [ "$started_infra" = 1 ]; then bash scripts/infra.sh stop --profile "$profile" >/dev/null 2>&1 || true; fi
}
trap stop_infra EXIT

set -a
# shellcheck disable=SC1090
. ".mosaic/infra/$profile/env"
set +a
export MOSAIC_ROOT
node --enable-source-maps dist/bench/src/query-vs-direct.bench.js "$@"
