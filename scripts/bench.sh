#!/usr/bin/env bash
# npm run bench: the MCP echo tool called directly vs. through a whole Mosaic stack, at
# concurrency 1 and 32 (bench/src/query-vs-direct.bench.ts). Builds, starts
# the `test` infrastructure profile (stopped again on exit only if this script started
# it), and passes its arguments on:  npm run bench -- --help
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$MOSAIC_ROOT"
mosaic_prepare
mosaic_use_infra test
export MOSAIC_ROOT
node --enable-source-maps dist/bench/src/query-vs-direct.bench.js "$@"
