#!/usr/bin/env bash
# npm run bench: two benchmarks, one after the other (never two Mosaic stacks at once):
#   query-vs-direct  the MCP echo tool called directly vs. through a whole Mosaic stack, at
#                    concurrency 1 and 32 (bench/src/query-vs-direct.bench.ts);
#   history          chat-history writes batched vs. one at a time, and time to first event
#                    with the auth service's history writer on vs. off (bench/src/history.bench.ts).
# Builds, starts the `test` infrastructure profile (stopped again on exit only if this script
# started it). Options starting with --history- go to the history benchmark, the others to
# query-vs-direct; --only NAME[,NAME] runs a subset:  npm run bench -- --help
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$MOSAIC_ROOT"

usage() {
  cat <<'EOF'
usage: npm run bench -- [--only query-vs-direct|history|query-vs-direct,history] [options]
  runs both benchmarks by default, one after the other; --history-* options go to the history
  benchmark, all others to query-vs-direct. Results: .mosaic/bench/<name>.json
EOF
}

benches="query-vs-direct,history"
help=0
direct_args=()
history_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) help=1 ;;
    --only=*) benches="${1#--only=}" ;;
    --only)
      [ $# -ge 2 ] || { echo "[bench] --only needs a value" >&2; usage >&2; exit 2; }
      benches="$2"
      shift
      ;;
    --history-*=*) history_args+=("$1") ;;
    --history-*)
      [ $# -ge 2 ] || { echo "[bench] $1 needs a value" >&2; usage >&2; exit 2; }
      history_args+=("$1" "$2")
      shift
      ;;
    *) direct_args+=("$1") ;;
  esac
  shift
done

run_direct=0
run_history=0
IFS=',' read -r -a selected <<<"$benches"
for name in "${selected[@]}"; do
  case "$name" in
    query-vs-direct) run_direct=1 ;;
    history) run_history=1 ;;
    *) echo "[bench] unknown benchmark \"$name\" (query-vs-direct, history)" >&2; usage >&2; exit 2 ;;
  esac
done
if [ "$run_direct" = 0 ] && [ "$run_history" = 0 ]; then usage >&2; exit 2; fi

mosaic_prepare
export MOSAIC_ROOT

if [ "$help" = 1 ]; then
  usage
  echo
  node dist/bench/src/query-vs-direct.bench.js --help
  echo
  node dist/bench/src/history.bench.js --help
  exit 0
fi

mosaic_use_infra test
status=0
if [ "$run_direct" = 1 ]; then
  node --enable-source-maps dist/bench/src/query-vs-direct.bench.js ${direct_args[@]+"${direct_args[@]}"} || status=$?
  # A usage error (2) or an interrupt (130) ends the run; errors counted in the results do not.
  if [ "$status" = 2 ] || [ "$status" = 130 ]; then exit "$status"; fi
elif [ ${#direct_args[@]} -gt 0 ]; then
  echo "[bench] options for query-vs-direct given, but it does not run: ${direct_args[*]}" >&2
  exit 2
fi
if [ "$run_history" = 1 ]; then
  history_status=0
  node --enable-source-maps dist/bench/src/history.bench.js ${history_args[@]+"${history_args[@]}"} || history_status=$?
  if [ "$history_status" != 0 ]; then status=$history_status; fi
elif [ ${#history_args[@]} -gt 0 ]; then
  echo "[bench] options for history given, but it does not run: ${history_args[*]}" >&2
  exit 2
fi
exit "$status"
