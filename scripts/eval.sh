#!/usr/bin/env bash
# npm run eval: answer quality over the sample workspace through the whole pipeline
# (eval/src/eval.main.ts, questions in eval/questions.json). Builds, starts the `test`
# infrastructure profile (stopped again on exit only if this script started it), and
# passes its arguments on:  npm run eval -- --help
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$MOSAIC_ROOT"
mosaic_prepare
mosaic_use_infra test
node --enable-source-maps dist/eval/src/eval.main.js "$@"
