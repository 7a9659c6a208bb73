#!/usr/bin/env bash
# npm test: lint, type-check, then unit, integration (real NATS, Postgres, Redis) and
# end-to-end tests (services as processes over HTTP/SSE). Uses the `test` infrastructure
# profile (its own ports and data), so a running `npm start` is never disturbed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$MOSAIC_ROOT"
mosaic_ensure_node
mosaic_ensure_packages
echo "[test] building" >&2
npm run --silent build >/dev/null

profile=test
bash scripts/infra.sh stop --profile "$profile" --wipe >/dev/null 2>&1 || true
bash scripts/infra.sh start --profile "$profile"
trap 'bash scripts/infra.sh stop --profile "$profile" >/dev/null 2>&1 || true' EXIT
set -a
# shellcheck disable=SC1090
. ".mosaic/infra/$profile/env"
set +a
export MOSAIC_ROOT NX_DAEMON=false NX_NO_CLOUD=true

echo "[test] lint and typecheck" >&2
npx nx run-many -t lint typecheck --parallel=2 --outputStyle=static

echo "[test] unit and integration tests" >&2
npx jest --ci --maxWorkers=2 --testPathIgnorePatterns '/e2e/' "$@"

echo "[test] end-to-end tests" >&2
npx jest --ci --runInBand e2e/ "$@"
