#!/usr/bin/env bash
# npm start: installs what is missing, builds, starts the local infrastructure and every
# Mosaic service, loads the sample workspace, and stops what it started on Ctrl-C.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$MOSAIC_ROOT"
mosaic_ensure_node
mosaic_ensure_packages
echo "[mosaic] building" >&2
npm run --silent build >/dev/null

profile=dev
started_infra=0
if ! bash scripts/infra.sh status --profile "$profile" >/dev/null 2>&1; then
  started_infra=1
fi
bash scripts/infra.sh start --profile "$profile"
stop_infra() {
  if [ "$started_infra" = 1 ]; then bash scripts/infra.sh stop --profile "$profile" || true; fi
}
trap stop_infra EXIT

set -a
# shellcheck disable=SC1090
. ".mosaic/infra/$profile/env"
set +a
export MOSAIC_ROOT
node --enable-source-maps dist/libs/runtime/src/stack/start-stack.main.js
