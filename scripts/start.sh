#!/usr/bin/env bash
# npm start: installs what is missing, builds, starts the local infrastructure and every
# Mosaic service, loads the sample workspace, and stops what it started on Ctrl-C.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$MOSAIC_ROOT"
mosaic_prepare
mosaic_use_infra dev
node --enable-source-maps dist/libs/runtime/src/stack/start-stack.main.js
