#!/usr/bin/env bash
# npm test: lint, type-check, then unit, integration (real NATS, Postgres, Redis) and
# end-to-end tests (services as processes over HTTP/SSE). Uses the `test` infrastructure
# profile (its own ports and data, wiped first), so a running `npm start` is never disturbed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$MOSAIC_ROOT"
mosaic_prepare
mosaic_use_infra test --fresh
export NX_DAEMON=false NX_NO_CLOUD=true

echo "[test] lint and typecheck" >&2
npx nx run-many -t lint typecheck --parallel=2 --outputStyle=static

echo "[test] database migrations" >&2
node dist/libs/persistence/src/migrate.main.js

bash scripts/prometheus-deps.sh  # promtool and Prometheus for the deploy/ tests
bash scripts/helm-deps.sh  # Go, sprig and nats-server for rendering and checking the Helm chart (helm/)
echo "[test] unit and integration tests" >&2
npx jest --ci --maxWorkers=2 --testPathIgnorePatterns '/e2e/' "$@"

# Every e2e stack shares the test NATS and its durable consumers: one suite at a time.
echo "[test] end-to-end tests" >&2
npx jest --ci --runInBand e2e/ "$@"

# Answer quality over the sample workspace with the local provider: a regression gate at the
# levels measured when it was set (routing recall 1.00, fact recall 0.70, citations 1.00).
echo "[test] evaluation (local provider)" >&2
env -u ANTHROPIC_API_KEY node --enable-source-maps dist/eval/src/eval.main.js --min-routing-recall 0.95 --min-fact-recall 0.65 --min-citation-correctness 1 --max-dangling-markers 0
