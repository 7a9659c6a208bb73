#!/usr/bin/env bash
# npm start: installs what is missing, builds, starts the local infrastructure and every
# Mosaic service, loads the sample workspace, and stops what it started on Ctrl-C.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$MOSAIC_ROOT"
mosaic_prepare
mosaic_use_infra dev
# In the background with the signals forwarded: Ctrl-C reaches the whole process group, but a
# SIGTERM sent to this script alone (a supervisor, `kill`) must stop the services too.
node --enable-source-maps dist/libs/runtime/src/stack/start-stack.main.js &
stack=$!
trap 'kill -TERM "$stack" 2>/dev/null || true' INT TERM
status=0
wait "$stack" || status=$?
# `wait` returns early when a signal arrives: wait again for the stack to finish stopping.
if kill -0 "$stack" 2>/dev/null; then wait "$stack" || status=$?; fi
exit "$status"
