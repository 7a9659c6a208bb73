#!/usr/bin/env bash
# Mosaic local infrastructure: NATS (JetStream), PostgreSQL, Redis and MariaDB on 127.0.0.1.
#
#   bash scripts/infra.sh start|stop|restart|status|env [[--profile] dev|test] [--wipe] [--export]
#
#   start           start the servers (no-op when running), wait until healthy,
#                   provision Postgres and MariaDB, write .mosaic/infra/<profile>/env
#   stop [--wipe]   stop the servers this script started; --wipe also deletes the
#                   profile's data (.mosaic/infra/<profile>/, or the compose volumes)
#   restart         stop, then start
#   status          one line per server; exit 0 when all run and are healthy, else 3
#   env [--export]  print the connection URLs as KEY=VALUE lines (with --export:
#                   `export KEY=VALUE`, for  eval "$(bash scripts/infra.sh env --export)")
#
# NATS requires a user: one per service identity (gateway, auth, planner, synthesizer,
# worker: every connector worker) with its own subject permissions, and admin (tests,
# tools, stream provisioning) with all of them. The passwords are random, made once per
# profile (.mosaic/infra/<profile>/secrets/nats-passwords, mode 0600) and listed in the env
# file as NATS_<IDENTITY>_PASSWORD, with NATS_ADMIN_USER. The permissions: nats_permissions.
#
# MariaDB (the MySQL connector's database): database mosaic_sample, users mosaic (owns the
# mosaic_* databases) and mosaic_reader (SELECT only); see scripts/infra/mariadb-init.sql.
# The env file has MYSQL_URL (mosaic_reader) and MYSQL_ADMIN_URL (mosaic, for seeding).
#
# Profile: --profile / --profile= / a bare dev|test, else $MOSAIC_INFRA_PROFILE, else dev.
#   dev : NATS 4222 (monitor 8222), Postgres 5432,  Redis 6379,  MariaDB 3306
#   test: NATS 14222 (monitor 18222), Postgres 15432, Redis 16379, MariaDB 13306
#         (Postgres without fsync, MariaDB without flushing its log on commit)
# Port overrides: MOSAIC_NATS_PORT, MOSAIC_NATS_MONITOR_PORT, MOSAIC_PG_PORT, MOSAIC_REDIS_PORT,
#   MOSAIC_MYSQL_PORT.
# Other knobs: MOSAIC_INFRA_MODE=auto|native|docker (default auto: docker when an engine
#   answers `docker info` within 3 s), MOSAIC_INFRA_TIMEOUT (health wait, seconds, default 30),
#   MOSAIC_PG_BIN (Postgres bin dir, default /usr/lib/postgresql/15/bin).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
COMPOSE_FILE="$ROOT/docker-compose.yml"
INIT_SQL="$ROOT/scripts/infra/postgres-init.sql"
MARIADB_INIT_SQL="$ROOT/scripts/infra/mariadb-init.sql"
INFRA_ROOT="$ROOT/.mosaic/infra"
TIMEOUT="${MOSAIC_INFRA_TIMEOUT:-30}"
SERVERS=(nats postgres redis mariadb)

say() { echo "[infra] $*"; }
warn() { echo "[infra] warning: $*" >&2; }
die() { echo "[infra] error: $*" >&2; exit 1; }

usage() {
  cat <<'EOF'
usage: bash scripts/infra.sh start|stop|restart|status|env [[--profile] dev|test] [--wipe] [--export]
  start            start NATS (JetStream), PostgreSQL, Redis and MariaDB on 127.0.0.1; idempotent
  stop [--wipe]    stop what this script started; --wipe also deletes the profile's data
  restart          stop, then start
  status           one line per server; exit 0 if all running and healthy, 3 otherwise
  env [--export]   print NATS_URL, DATABASE_URL, MYSQL_URL, ... as shell-sourceable lines
profile: --profile dev|test (or just dev|test), else $MOSAIC_INFRA_PROFILE, else dev
ports:   MOSAIC_NATS_PORT, MOSAIC_NATS_MONITOR_PORT, MOSAIC_PG_PORT, MOSAIC_REDIS_PORT, MOSAIC_MYSQL_PORT
EOF
}

# ---------------------------------------------------------------- arguments
CMD=""
PROFILE="${MOSAIC_INFRA_PROFILE:-dev}"
WIPE=0
EXPORT=0
while [ $# -gt 0 ]; do
  case "$1" in
    start|stop|restart|status|env) [ -z "$CMD" ] || die "more than one command: $CMD, $1"; CMD="$1" ;;
    --profile) [ $# -ge 2 ] || die "--profile needs a value (dev|test)"; PROFILE="$2"; shift ;;
    --profile=*) PROFILE="${1#--profile=}" ;;
    dev|test) PROFILE="$1" ;;
    --wipe) WIPE=1 ;;
    --export) EXPORT=1 ;;
    -h|--help|help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
  shift
done
[ -n "$CMD" ] || { usage >&2; exit 2; }
[ "$WIPE" = 0 ] || [ "$CMD" = stop ] || die "--wipe only goes with stop"

case "$PROFILE" in
  dev)  D_NATS=4222;  D_NATS_MON=8222;  D_PG=5432;  D_REDIS=6379;  D_MYSQL=3306 ;;
  test) D_NATS=14222; D_NATS_MON=18222; D_PG=15432; D_REDIS=16379; D_MYSQL=13306 ;;
  *) die "unknown profile '$PROFILE' (expected dev or test)" ;;
esac
NATS_PORT="${MOSAIC_NATS_PORT:-$D_NATS}"
NATS_MON_PORT="${MOSAIC_NATS_MONITOR_PORT:-$D_NATS_MON}"
PG_PORT="${MOSAIC_PG_PORT:-$D_PG}"
REDIS_PORT="${MOSAIC_REDIS_PORT:-$D_REDIS}"
MYSQL_PORT="${MOSAIC_MYSQL_PORT:-$D_MYSQL}"
for p in "$NATS_PORT" "$NATS_MON_PORT" "$PG_PORT" "$REDIS_PORT" "$MYSQL_PORT"; do
  if ! [[ "$p" =~ ^[0-9]+$ ]] || [ "$p" -lt 1 ] || [ "$p" -gt 65535 ]; then die "invalid port '$p'"; fi
done
if [ "$(printf '%s\n' "$NATS_PORT" "$NATS_MON_PORT" "$PG_PORT" "$REDIS_PORT" "$MYSQL_PORT" | sort -u | wc -l)" != 5 ]; then
  die "ports must differ: nats $NATS_PORT, nats monitor $NATS_MON_PORT, postgres $PG_PORT, redis $REDIS_PORT, mariadb $MYSQL_PORT"
fi

# ---------------------------------------------------------------- layout
DATA="$INFRA_ROOT/$PROFILE"            # everything of this profile
LOGS="$DATA/logs"
RUN="$DATA/run"                        # pid files of nats and redis
NATS_DIR="$DATA/nats"                  # JetStream store (store_dir) and nats-server's cwd
NATS_CONF="$DATA/nats.conf"            # generated on every start (mode 0600: it holds the passwords)
NATS_DOCKER_CONF="$DATA/nats-docker.conf"  # the same for the container (mounted by docker-compose.yml)
SECRETS_DIR="$DATA/secrets"
NATS_SECRETS="$SECRETS_DIR/nats-passwords"  # one random password per NATS identity, kept for the profile
REDIS_DIR="$DATA/redis"
PG_HOME="$DATA/postgres"               # data/ (PGDATA) and run/ (unix socket dir)
MARIADB_HOME="$DATA/mariadb"           # data/ (datadir, mariadbd's cwd), run/ (socket, pid file), files/ (secure_file_priv)
STATE_FILE="$DATA/state"               # ports the running servers were started with
ENV_FILE="$DATA/env"
LOCK_FILE="$INFRA_ROOT/.$PROFILE.lock"
NATS_PID_FILE="$RUN/nats.pid"
REDIS_PID_FILE="$RUN/redis.pid"
root_hash="$(printf '%s' "$ROOT" | sha256sum | cut -c1-8)"
# When the postgres OS user cannot reach the repository (e.g. it lives under /root),
# the Postgres files live here instead and $PG_HOME is a symlink to it.
PG_FALLBACK_HOME="/var/lib/mosaic-infra/$root_hash-$PROFILE"
# Unix socket paths are limited to 107 bytes; a deep repository path uses this instead.
PG_FALLBACK_SOCK="/tmp/mosaic-pg-$root_hash-$PROFILE"
# The same two fallbacks for MariaDB (its OS user is mysql when this script runs as root).
MARIADB_FALLBACK_HOME="/var/lib/mosaic-infra/$root_hash-$PROFILE-mariadb"
MARIADB_FALLBACK_RUN="/tmp/mosaic-mariadb-$root_hash-$PROFILE"

pg_home_real() { readlink -f "$PG_HOME" 2>/dev/null || echo "$PG_HOME"; }
pgdata() { echo "$(pg_home_real)/data"; }
pg_sockdir() {
  local d
  d="$(pg_home_real)/run"
  if [ $(( ${#d} + 20 )) -gt 100 ]; then d="$PG_FALLBACK_SOCK"; fi
  echo "$d"
}

find_pg_bin() {
  local d
  # shellcheck disable=SC2012 # version-sorted, paths without spaces
  for d in "${MOSAIC_PG_BIN:-}" /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
    [ -n "$d" ] && [ -x "$d/postgres" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  done
  if command -v pg_config >/dev/null 2>&1; then
    d="$(pg_config --bindir)"
    [ -x "$d/postgres" ] && [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  fi
  return 1
}
PG_BIN="$(find_pg_bin || true)"
pg_tool() { # psql / pg_isready: prefer the server's bin dir, else PATH
  if [ -n "$PG_BIN" ] && [ -x "$PG_BIN/$1" ]; then echo "$PG_BIN/$1"; else command -v "$1" || echo "$1"; fi
}

# MariaDB: the server runs as the mysql OS user when this script runs as root (mariadbd
# refuses root without --user), else as the calling user. Its administrator is the
# unix-socket account of the same name that mariadb-install-db creates (root@localhost
# for root): no password anywhere.
mariadbd_bin() { command -v mariadbd || echo /usr/sbin/mariadbd; }
mariadb_os_user() { if [ "$(id -u)" = 0 ]; then echo mysql; else id -un; fi; }
mariadb_admin_user() { id -un; }
mariadb_home_real() { readlink -f "$MARIADB_HOME" 2>/dev/null || echo "$MARIADB_HOME"; }
mariadb_datadir() { echo "$(mariadb_home_real)/data"; }
mariadb_rundir() {
  local d
  d="$(mariadb_home_real)/run"
  if [ $(( ${#d} + 20 )) -gt 100 ]; then d="$MARIADB_FALLBACK_RUN"; fi
  echo "$d"
}
mariadb_socket() { echo "$(mariadb_rundir)/mariadb.sock"; }
mariadb_pid_file() { echo "$(mariadb_rundir)/mariadbd.pid"; }

# ---------------------------------------------------------------- NATS identities
# One NATS user per service identity; every connector worker shares `worker`. `admin`
# (tests, tools, stream provisioning) may do everything. Permissions: see nats_permissions.
NATS_IDENTITIES=(gateway auth planner synthesizer worker admin)
# Must match STREAMS and CONSUMERS in libs/contracts/src/subjects.ts.
JS_QUERIES=MOSAIC_QUERIES_V1
JS_TASKS=MOSAIC_TASKS_V1
JS_RESULTS=MOSAIC_RESULTS_V1
JS_EVENTS=MOSAIC_EVENTS_V1
CREDENTIALS_SUBJECT=mosaic.auth.v1.credentials.resolve
# Registered MCP servers' launch specs (decrypted headers) and drift reports: workers only.
MCP_SERVER_WORKER_SUBJECTS=(mosaic.auth.v1.mcp-server.resolve mosaic.auth.v1.mcp-server.drift)
MCP_DISCOVER_SUBJECT=mosaic.connector.v1.mcp.discover
PLANNER_DETECT_SUBJECT=mosaic.planner.v1.detect

nats_password_var() { local id="$1"; echo "NATS_${id^^}_PASSWORD"; }
random_secret() { od -An -N24 -tx1 /dev/urandom | tr -d ' \n'; }
# Creates the missing passwords (48 hex characters each) once per profile.
ensure_nats_secrets() {
  mkdir -p "$SECRETS_DIR"
  chmod 0700 "$SECRETS_DIR"
  local id var
  ( umask 077; touch "$NATS_SECRETS" )
  for id in "${NATS_IDENTITIES[@]}"; do
    var="$(nats_password_var "$id")"
    grep -q "^$var=" "$NATS_SECRETS" || printf '%s=%s\n' "$var" "$(random_secret)" >>"$NATS_SECRETS"
  done
  chmod 0600 "$NATS_SECRETS"
}
load_nats_secrets() { # sets NATS_<ID>_PASSWORD; fails when the profile has none yet
  [ -f "$NATS_SECRETS" ] || return 1
  local k v
  while IFS='=' read -r k v; do
    case "$k" in NATS_*_PASSWORD) [[ "$v" =~ ^[0-9a-f]+$ ]] && printf -v "$k" '%s' "$v" ;; esac
  done <"$NATS_SECRETS"
  for k in "${NATS_IDENTITIES[@]}"; do
    k="$(nats_password_var "$k")"
    [ -n "${!k:-}" ] || return 1
  done
}

# Prints a quoted, comma-separated subject list.
subjects() { local out="" s; for s in "$@"; do out+="${out:+, }\"$s\""; done; echo "$out"; }
# Appends to the caller's `pub` the JetStream API a service needs to manage and pull from
# its own durable consumer $2 on stream $1 (`*`: any durable), and to ack what it pulls.
js_durable() {
  local stream="$1" durable="$2"
  pub+=("\$JS.API.CONSUMER.INFO.$stream.$durable"
        "\$JS.API.CONSUMER.CREATE.$stream.$durable" "\$JS.API.CONSUMER.CREATE.$stream.$durable.>"
        "\$JS.API.CONSUMER.DURABLE.CREATE.$stream.$durable"
        "\$JS.API.CONSUMER.MSG.NEXT.$stream.$durable"
        "\$JS.ACK.$stream.$durable.>")
}
# The permissions block of identity $1 (empty for admin: everything).
#  - Requests' replies: each identity subscribes only to its own inbox prefix
#    (_INBOX.<identity>.>, set by connectNats from NATS_USER), so no other service can
#    read the replies to the worker's credential requests.
#  - Only `worker` (and admin) may publish $CREDENTIALS_SUBJECT; only `auth` (and
#    admin) may subscribe to mosaic.auth.v1.>; the auth service publishes nothing but
#    replies to requests it received (allow_responses).
#  - JetStream: streams are created and updated only by admin (a stream may capture any
#    subject, e.g. another identity's inbox); a service may read stream info and manage,
#    pull from and ack its own durable consumers; the gateway creates ephemeral ordered
#    consumers on the events stream only.
nats_permissions() {
  local id="$1"
  local pub=() sub=("_INBOX.$id.>")
  local js_base=("\$JS.API.INFO" "\$JS.API.STREAM.INFO.*")
  local deny_pub=("$CREDENTIALS_SUBJECT" "${MCP_SERVER_WORKER_SUBJECTS[@]}") deny_sub=("mosaic.auth.v1.>" "_INBOX.worker.>")
  case "$id" in
    admin) return 0 ;;
    gateway)
      # Events: the first of each query (query_accepted), naming its owner.
      pub=(mosaic.query.requested.v1 "mosaic.events.v1.>" "mosaic.auth.v1.>" "mosaic.connector.v1.*.test" "$MCP_DISCOVER_SUBJECT" "$PLANNER_DETECT_SUBJECT" "${js_base[@]}"
           "\$JS.API.CONSUMER.CREATE.$JS_EVENTS.>" "\$JS.API.CONSUMER.INFO.$JS_EVENTS.*"
           "\$JS.API.CONSUMER.DELETE.$JS_EVENTS.*" "\$JS.API.CONSUMER.MSG.NEXT.$JS_EVENTS.*") ;;
    auth)
      sub+=("mosaic.auth.v1.>")
      # History: its own durable consumer on the events stream, and stream info to catch up.
      pub=("${js_base[@]}")
      js_durable "$JS_EVENTS" history-writer
      deny_sub=("_INBOX.worker.>") ;;
    planner)
      pub=(mosaic.query.planned.v1 "mosaic.task.v1.>" "mosaic.events.v1.>" "${js_base[@]}")
      # POST /api/agent/detect-sources: request/reply, answered by a planner.
      sub+=("$PLANNER_DETECT_SUBJECT")
      js_durable "$JS_QUERIES" planner ;;
    synthesizer)
      pub=("mosaic.events.v1.>" "${js_base[@]}")
      js_durable "$JS_QUERIES" synthesizer-plans
      js_durable "$JS_RESULTS" synthesizer-results ;;
    worker)
      # Every connector's durable (connector-<id>) is on the tasks stream.
      pub=(mosaic.result.v1 "mosaic.events.v1.>" "$CREDENTIALS_SUBJECT" "${MCP_SERVER_WORKER_SUBJECTS[@]}" "${js_base[@]}")
      # Credential checks (POST /api/datasources/{id}/test) and MCP server discovery:
      # request/reply, answered by a worker.
      sub+=("mosaic.connector.v1.*.test" "$MCP_DISCOVER_SUBJECT")
      js_durable "$JS_TASKS" "*"
      deny_pub=()
      deny_sub=("mosaic.auth.v1.>") ;;
  esac
  echo "permissions: {"
  if [ "$id" = auth ]; then
    echo "        # Replies to the requests it received, and its history consumer's JetStream API."
    echo "        allow_responses: true"
    echo "        publish: { allow: [$(subjects "${pub[@]}")], deny: [$(subjects "${deny_pub[@]}")] }"
  else
    case "$id" in worker|planner) echo "        allow_responses: true" ;; esac
    echo "        publish: { allow: [$(subjects "${pub[@]}")]${deny_pub[*]:+, deny: [$(subjects "${deny_pub[@]}")]} }"
  fi
  echo "        subscribe: { allow: [$(subjects "${sub[@]}")], deny: [$(subjects "${deny_sub[@]}")] }"
  echo "      }"
}

# nats-server configuration: $1 = native | docker (paths and addresses inside the container).
nats_conf() {
  local where="$1" id var
  load_nats_secrets || die "nats: no passwords in $NATS_SECRETS"
  echo "# Written by scripts/infra.sh on every start; edits are lost."
  echo "server_name: \"mosaic-$PROFILE\""
  if [ "$where" = docker ]; then
    echo 'listen: "0.0.0.0:4222"'
    echo 'http: "0.0.0.0:8222"'
    echo 'jetstream { store_dir: "/data" }'
  else
    echo "listen: \"127.0.0.1:$NATS_PORT\""
    echo "http: \"127.0.0.1:$NATS_MON_PORT\""
    echo "pid_file: \"$NATS_PID_FILE\""
    echo "jetstream { store_dir: \"$NATS_DIR\" }"
  fi
  echo "authorization {"
  echo "  users = ["
  for id in "${NATS_IDENTITIES[@]}"; do
    var="$(nats_password_var "$id")"
    echo "    {"
    echo "      user: \"$id\", password: \"${!var}\""
    if [ "$id" != admin ]; then echo "      $(nats_permissions "$id")"; fi
    echo "    }"
  done
  echo "  ]"
  echo "}"
}

# ---------------------------------------------------------------- state / env
load_state() { # sets NATS_PORT etc. from the state file (what is actually running)
  [ -f "$STATE_FILE" ] || return 0
  local k v
  while IFS='=' read -r k v; do
    case "$k" in
      MOSAIC_NATS_PORT) NATS_PORT="$v" ;;
      MOSAIC_NATS_MONITOR_PORT) NATS_MON_PORT="$v" ;;
      MOSAIC_PG_PORT) PG_PORT="$v" ;;
      MOSAIC_REDIS_PORT) REDIS_PORT="$v" ;;
      MOSAIC_MYSQL_PORT) MYSQL_PORT="$v" ;;
    esac
  done <"$STATE_FILE"
}
write_state() {
  printf 'MOSAIC_NATS_PORT=%s\nMOSAIC_NATS_MONITOR_PORT=%s\nMOSAIC_PG_PORT=%s\nMOSAIC_REDIS_PORT=%s\nMOSAIC_MYSQL_PORT=%s\n' \
    "$NATS_PORT" "$NATS_MON_PORT" "$PG_PORT" "$REDIS_PORT" "$MYSQL_PORT" >"$STATE_FILE.tmp"
  mv -f "$STATE_FILE.tmp" "$STATE_FILE"
}
env_lines() {
  local x=""
  [ "$EXPORT" = 0 ] || x="export "
  cat <<EOF
${x}NATS_URL=nats://127.0.0.1:$NATS_PORT
${x}NATS_MONITOR_URL=http://127.0.0.1:$NATS_MON_PORT
${x}DATABASE_URL=postgres://mosaic:mosaic@127.0.0.1:$PG_PORT/mosaic
${x}APP_DATABASE_URL=postgres://mosaic_app:mosaic_app@127.0.0.1:$PG_PORT/mosaic
${x}SAMPLE_DATABASE_URL=postgres://mosaic:mosaic@127.0.0.1:$PG_PORT/mosaic_sample
${x}SAMPLE_READER_DATABASE_URL=postgres://mosaic_reader:mosaic_reader@127.0.0.1:$PG_PORT/mosaic_sample
${x}REDIS_URL=redis://127.0.0.1:$REDIS_PORT
${x}MYSQL_URL=mysql://mosaic_reader:reader_secret_pw@127.0.0.1:$MYSQL_PORT/mosaic_sample
${x}MYSQL_ADMIN_URL=mysql://mosaic:mosaic@127.0.0.1:$MYSQL_PORT/mosaic_sample
EOF
  # NATS users: no password in NATS_URL; each service gets only its own (NATS_USER/NATS_PASSWORD).
  if load_nats_secrets; then
    local id var
    echo "${x}NATS_ADMIN_USER=admin"
    for id in "${NATS_IDENTITIES[@]}"; do
      var="$(nats_password_var "$id")"
      echo "${x}$var=${!var}"
    done
  fi
}
write_env() {
  ( umask 077; EXPORT=0 env_lines >"$ENV_FILE.tmp" )
  mv -f "$ENV_FILE.tmp" "$ENV_FILE"
}

port_of() {
  case "$1" in nats) echo "$NATS_PORT" ;; postgres) echo "$PG_PORT" ;; redis) echo "$REDIS_PORT" ;; mariadb) echo "$MYSQL_PORT" ;; esac
}
ports_of() { # ports a server listens on
  case "$1" in
    nats) echo "$NATS_PORT $NATS_MON_PORT" ;; postgres) echo "$PG_PORT" ;; redis) echo "$REDIS_PORT" ;; mariadb) echo "$MYSQL_PORT" ;;
  esac
}
log_of() { echo "$LOGS/$1.log"; }

# Prints who listens on TCP port $1 ("pid 123 (name)" or "an unknown process"); fails when free.
port_user() {
  local port="$1" line who
  if command -v ss >/dev/null 2>&1; then
    line="$(ss -Hltnp "sport = :$port" 2>/dev/null | head -n1 || true)"
    [ -n "$line" ] || return 1
    who="$(printf '%s' "$line" | sed -n 's/.*users:(("\([^"]*\)",pid=\([0-9]*\).*/pid \2 (\1)/p')"
    echo "${who:-an unknown process}"
    return 0
  fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "an unknown process"; return 0; fi
  return 1
}
# Fails with a clear message when a port of server $1 is taken.
check_ports_free() {
  local s="$1" p who var
  for p in $(ports_of "$s"); do
    if who="$(port_user "$p")"; then
      case "$p" in
        "$NATS_MON_PORT") var=MOSAIC_NATS_MONITOR_PORT ;;
        "$NATS_PORT") var=MOSAIC_NATS_PORT ;;
        "$PG_PORT") var=MOSAIC_PG_PORT ;;
        "$MYSQL_PORT") var=MOSAIC_MYSQL_PORT ;;
        *) var=MOSAIC_REDIS_PORT ;;
      esac
      die "$s: port $p is already in use by $who, which this script did not start (profile $PROFILE). Stop it, or pick another port with $var=<port>."
    fi
  done
}

# ---------------------------------------------------------------- health
healthy() {
  case "$1" in
    nats) curl -fsS --max-time 2 "http://127.0.0.1:$NATS_MON_PORT/healthz?js-enabled-only=true" >/dev/null 2>&1 ;;
    postgres) "$(pg_tool pg_isready)" -q -h 127.0.0.1 -p "$PG_PORT" -t 2 >/dev/null 2>&1 ;;
    redis)
      if command -v redis-cli >/dev/null 2>&1; then
        [ "$(timeout 3 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]
      else
        docker_redis_ping
      fi ;;
    # Over TCP without credentials: "not allowed to connect" is an answer too, so this also
    # works before provisioning. --skip-ssl: otherwise that answer counts as a TLS failure.
    mariadb)
      if command -v mariadb-admin >/dev/null 2>&1; then
        timeout 3 mariadb-admin --no-defaults --skip-ssl --protocol=tcp -h 127.0.0.1 -P "$MYSQL_PORT" \
          --connect-timeout=2 ping >/dev/null 2>&1
      else
        docker_mariadb_ping
      fi ;;
  esac
}

# =================================================================== native mode
# A process counts as ours only when its pid file names it, its executable is the
# expected binary and its working directory is the profile's directory for it.
proc_matches() { # pid binary dir
  local pid="$1" bin="$2" dir="$3" exe cwd
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  exe="$(readlink -f "/proc/$pid/exe" 2>/dev/null)" || return 1
  [ "$exe" = "$(readlink -f "$bin")" ] || return 1
  cwd="$(readlink -f "/proc/$pid/cwd" 2>/dev/null)" || return 1
  [ "$cwd" = "$(readlink -f "$dir" 2>/dev/null || echo "$dir")" ]
}
bin_of() {
  case "$1" in
    nats) command -v nats-server || echo /usr/sbin/nats-server ;;
    postgres) echo "${PG_BIN:-/usr/lib/postgresql/15/bin}/postgres" ;;
    redis) command -v redis-server || echo /usr/bin/redis-server ;;
    mariadb) mariadbd_bin ;;
  esac
}
pid_of() { # prints the pid of our running server $1; fails when not running
  local s="$1" pid="" dir
  case "$s" in
    nats) dir="$NATS_DIR"; [ -f "$NATS_PID_FILE" ] && pid="$(head -n1 "$NATS_PID_FILE" 2>/dev/null || true)" ;;
    redis) dir="$REDIS_DIR"; [ -f "$REDIS_PID_FILE" ] && pid="$(head -n1 "$REDIS_PID_FILE" 2>/dev/null || true)" ;;
    postgres) dir="$(pgdata)"; [ -f "$dir/postmaster.pid" ] && pid="$(head -n1 "$dir/postmaster.pid" 2>/dev/null || true)" ;;
    mariadb) dir="$(mariadb_datadir)"; [ -f "$(mariadb_pid_file)" ] && pid="$(head -n1 "$(mariadb_pid_file)" 2>/dev/null || true)" ;;
  esac
  pid="${pid//[^0-9]/}"
  [ -n "$pid" ] && proc_matches "$pid" "$(bin_of "$s")" "$dir" || return 1
  echo "$pid"
}
any_running_native() {
  local s
  for s in "${SERVERS[@]}"; do pid_of "$s" >/dev/null && return 0; done
  return 1
}

apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "missing $*, and there is no apt-get to install it"
  [ "$(id -u)" = 0 ] || die "missing $*; install it (apt-get install -y $*) or run as root"
  say "installing $* (apt-get)"
  local log="$INFRA_ROOT/apt.log"
  { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update \
      && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends \
           -o Dpkg::Options::=--force-confold "$@"; } >"$log" 2>&1 \
    || die "apt-get install $* failed; see $log"
}
ensure_native_packages() {
  local need=()
  command -v nats-server >/dev/null 2>&1 || need+=(nats-server)
  { command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; } || need+=(redis-server)
  command -v curl >/dev/null 2>&1 || need+=(curl)
  local new_mariadb=0
  if [ ! -x "$(mariadbd_bin)" ] || ! command -v mariadb-install-db >/dev/null 2>&1 \
      || ! command -v mariadb >/dev/null 2>&1 || ! command -v mariadb-admin >/dev/null 2>&1; then
    need+=(mariadb-server mariadb-client)
    new_mariadb=1
  fi
  if [ -z "$PG_BIN" ]; then
    need+=(postgresql)
    # Don't let the package create (and maybe start) a system cluster on 5432,
    # which would collide with the dev profile.
    if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
      mkdir -p /etc/postgresql-common
      echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.conf
    fi
  fi
  [ ${#need[@]} -eq 0 ] && return 0
  apt_install "${need[@]}"
  hash -r
  # The package starts a system server on 3306 (the dev profile's port) where systemd runs;
  # ours run from the profile directories instead.
  if [ "$new_mariadb" = 1 ] && command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet mariadb 2>/dev/null; then
    say "mariadb: stopping and disabling the system service the package started (the profiles run their own)"
    systemctl disable --now mariadb >>"$INFRA_ROOT/apt.log" 2>&1 || warn "mariadb: could not stop the system service"
  fi
  PG_BIN="$(find_pg_bin || true)"
  [ -n "$PG_BIN" ] || die "PostgreSQL server binaries not found after installing (set MOSAIC_PG_BIN)"
}

# Sets up $PG_HOME so that the postgres OS user can use it.
prepare_pg_home() {
  if [ ! -e "$PG_HOME" ]; then
    mkdir -p "$PG_HOME"
    if ! runuser -u postgres -- test -x "$PG_HOME" 2>/dev/null; then
      rmdir "$PG_HOME"
      say "postgres: the postgres OS user cannot reach $DATA; keeping its files in $PG_FALLBACK_HOME"
      mkdir -p "$PG_FALLBACK_HOME"
      ln -sfn "$PG_FALLBACK_HOME" "$PG_HOME"
    fi
  fi
  local home sock
  home="$(pg_home_real)"
  sock="$(pg_sockdir)"
  mkdir -p "$home" "$sock"
  chown postgres:postgres "$sock"
  chmod 0775 "$sock"
  runuser -u postgres -- test -x "$home" -a -w "$sock" 2>/dev/null \
    || die "postgres: the postgres OS user cannot use $home (check the permissions of its parent folders)"
}

init_pg() {
  local data
  data="$(pgdata)"
  [ -f "$data/PG_VERSION" ] && return 0
  say "postgres: initdb $data"
  rm -rf "$data.partial"
  mkdir -p "$data.partial"
  chown postgres:postgres "$data.partial"
  chmod 0700 "$data.partial"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$data.partial" -U postgres -A trust -E UTF8 --no-locale \
      >>"$(log_of postgres)" 2>&1 \
    || die "postgres: initdb failed; see $(log_of postgres)"
  echo "include_if_exists = 'mosaic.conf'" >>"$data.partial/postgresql.conf"
  mv "$data.partial" "$data"
}

write_pg_conf() {
  local data sock
  data="$(pgdata)"
  sock="$(pg_sockdir)"
  {
    echo "# Written by scripts/infra.sh on every start; edits are lost."
    echo "listen_addresses = '127.0.0.1'"
    echo "port = $PG_PORT"
    echo "unix_socket_directories = '$sock'"
    echo "max_connections = 200"
    if [ "$PROFILE" = test ]; then
      echo "fsync = off"
      echo "synchronous_commit = off"
      echo "full_page_writes = off"
    fi
  } >"$data/mosaic.conf"
  cat >"$data/pg_hba.conf" <<'EOF'
# Written by scripts/infra.sh on every start; edits are lost.
# TYPE  DATABASE  USER      ADDRESS        METHOD
local   all       postgres                 trust
local   all       all                      scram-sha-256
host    all       all       127.0.0.1/32   scram-sha-256
host    all       all       ::1/128        scram-sha-256
EOF
  chown postgres:postgres "$data/mosaic.conf" "$data/pg_hba.conf"
  chmod 0600 "$data/mosaic.conf" "$data/pg_hba.conf"
}

# Writes nats-server's config ($1: native | docker) to $2; fails (status 1) when unchanged.
write_nats_conf() {
  local where="$1" file="$2"
  ensure_nats_secrets
  ( umask 077; nats_conf "$where" >"$file.tmp" )
  if [ "$where" = native ] && ! nats-server -t -c "$file.tmp" >/dev/null 2>&1; then
    die "nats: the generated configuration is invalid: $(nats-server -t -c "$file.tmp" 2>&1 | tail -n1)"
  fi
  if [ -f "$file" ] && cmp -s "$file.tmp" "$file"; then rm -f "$file.tmp"; return 1; fi
  mv -f "$file.tmp" "$file"
}
# A running nats-server picks up a changed config (users, permissions) on reload.
apply_nats_conf() {
  local pid
  pid="$(pid_of nats)" || return 0
  if tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "-c $NATS_CONF"; then
    kill -HUP "$pid"
    say "nats: configuration reloaded (pid $pid)"
  else
    warn "nats (pid $pid) runs without the generated configuration (no authorization); restart it: bash scripts/infra.sh restart --profile $PROFILE"
  fi
}
start_nats() {
  mkdir -p "$NATS_DIR"
  rm -f "$NATS_PID_FILE"
  ( cd "$NATS_DIR" && exec setsid nats-server -c "$NATS_CONF" </dev/null >>"$(log_of nats)" 2>&1 9>&- ) &
  NATS_LAUNCH_PID=$!
}
start_redis() {
  mkdir -p "$REDIS_DIR"
  rm -f "$REDIS_PID_FILE"
  # shellcheck disable=SC2094 # redis appends to its log itself; startup errors go there too
  ( cd "$REDIS_DIR" && redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --save '' --appendonly no \
      --dir "$REDIS_DIR" --pidfile "$REDIS_PID_FILE" --logfile "$(log_of redis)" </dev/null >>"$(log_of redis)" 2>&1 9>&- ) \
    || die "redis: redis-server failed to start; see $(log_of redis)"
}
start_postgres() {
  prepare_pg_home
  init_pg
  write_pg_conf
  # The server's output goes to a log file opened here (as root), so the postgres
  # user needs no access to the logs folder.
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$(pgdata)" -w -t "$TIMEOUT" start </dev/null >>"$(log_of postgres)" 2>&1 9>&- \
    || die "postgres: failed to start within ${TIMEOUT}s; see $(log_of postgres)"
}

# Sets up $MARIADB_HOME so that the server's OS user (mariadb_os_user) can use it.
prepare_mariadb_home() {
  local user home run
  user="$(mariadb_os_user)"
  if [ ! -e "$MARIADB_HOME" ]; then
    mkdir -p "$MARIADB_HOME"
    if [ "$user" != "$(id -un)" ] && ! runuser -u "$user" -- test -x "$MARIADB_HOME" 2>/dev/null; then
      rmdir "$MARIADB_HOME"
      say "mariadb: the $user OS user cannot reach $DATA; keeping its files in $MARIADB_FALLBACK_HOME"
      mkdir -p "$MARIADB_FALLBACK_HOME"
      ln -sfn "$MARIADB_FALLBACK_HOME" "$MARIADB_HOME"
    fi
  fi
  home="$(mariadb_home_real)"
  run="$(mariadb_rundir)"
  mkdir -p "$home" "$run" "$home/files"
  chmod 0755 "$run"
  chmod 0700 "$home/files"
  if [ "$user" != "$(id -un)" ]; then
    chown "$user:" "$run" "$home/files"
    runuser -u "$user" -- test -x "$home" -a -w "$run" 2>/dev/null \
      || die "mariadb: the $user OS user cannot use $home (check the permissions of its parent folders)"
  fi
}

# Small InnoDB files and buffers: the databases hold test and sample data only.
MARIADB_INNODB_OPTS=(--innodb-buffer-pool-size=32M --innodb-log-file-size=16M)

init_mariadb() {
  local data user
  data="$(mariadb_datadir)"
  [ -d "$data/mysql" ] && return 0
  user="$(mariadb_os_user)"
  say "mariadb: mariadb-install-db $data"
  rm -rf "$data.partial"
  mkdir -p "$data.partial"
  [ "$user" = "$(id -un)" ] || chown "$user:" "$data.partial"
  chmod 0700 "$data.partial"
  # Creates the administrator root@localhost (and <user>@localhost) with unix-socket
  # authentication only; no anonymous users, no test database.
  mariadb-install-db --no-defaults --datadir="$data.partial" --user="$user" \
      --auth-root-authentication-method=socket --skip-test-db --skip-name-resolve \
      "${MARIADB_INNODB_OPTS[@]}" </dev/null >>"$(log_of mariadb)" 2>&1 \
    || die "mariadb: mariadb-install-db failed; see $(log_of mariadb)"
  mv "$data.partial" "$data"
}

start_mariadb() {
  prepare_mariadb_home
  init_mariadb
  rm -f "$(mariadb_pid_file)"
  # --no-defaults: nothing from /etc/mysql (the packaged server's datadir, socket, port).
  # secure_file_priv confines LOAD_FILE / INTO OUTFILE to an empty folder of the profile.
  local args=(--no-defaults --datadir="$(mariadb_datadir)" --socket="$(mariadb_socket)" --pid-file="$(mariadb_pid_file)"
    --bind-address=127.0.0.1 --port="$MYSQL_PORT" --skip-name-resolve --skip-log-bin --local-infile=0
    --secure-file-priv="$(mariadb_home_real)/files" --max-connections=200
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci "${MARIADB_INNODB_OPTS[@]}")
  [ "$(id -u)" != 0 ] || args+=(--user="$(mariadb_os_user)")
  [ "$PROFILE" != test ] || args+=(--innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0)
  # The server's output goes to a log file opened here, so its OS user needs no access to logs/.
  ( cd "$(mariadb_datadir)" && exec setsid "$(mariadbd_bin)" "${args[@]}" </dev/null >>"$(log_of mariadb)" 2>&1 9>&- ) &
  MARIADB_LAUNCH_PID=$!
}

wait_healthy() { # server
  local s="$1" deadline=$((SECONDS + TIMEOUT))
  until healthy "$s"; do
    if [ "$s" = nats ] && [ -n "${NATS_LAUNCH_PID:-}" ] && ! kill -0 "$NATS_LAUNCH_PID" 2>/dev/null; then
      die "nats: nats-server exited during start; see $(log_of nats)"
    fi
    if [ "$s" = mariadb ] && [ -n "${MARIADB_LAUNCH_PID:-}" ] && ! alive "$MARIADB_LAUNCH_PID"; then
      die "mariadb: mariadbd exited during start; see $(log_of mariadb)"
    fi
    [ "$SECONDS" -lt "$deadline" ] || die "$s: not healthy after ${TIMEOUT}s; see $(log_of "$s")"
    sleep 0.1
  done
}

provision_pg() {
  "$(pg_tool psql)" -X -q -v ON_ERROR_STOP=1 -h "$(pg_sockdir)" -p "$PG_PORT" -U postgres -d postgres \
      -f "$INIT_SQL" >>"$(log_of postgres)" 2>&1 \
    || die "postgres: provisioning ($INIT_SQL) failed; see $(log_of postgres)"
}
provision_mariadb() {
  mariadb --no-defaults --socket="$(mariadb_socket)" -u "$(mariadb_admin_user)" --batch \
      <"$MARIADB_INIT_SQL" >>"$(log_of mariadb)" 2>&1 \
    || die "mariadb: provisioning ($MARIADB_INIT_SQL) failed; see $(log_of mariadb)"
}

native_start() {
  ensure_native_packages
  [ -n "$PG_BIN" ] || die "PostgreSQL server binaries not found (set MOSAIC_PG_BIN)"
  mkdir -p "$LOGS" "$RUN" "$NATS_DIR" "$REDIS_DIR"
  # Servers already running keep the ports they were started with.
  local want="$NATS_PORT $NATS_MON_PORT $PG_PORT $REDIS_PORT $MYSQL_PORT" s pid started=()
  if any_running_native; then
    load_state
    [ "$want" = "$NATS_PORT $NATS_MON_PORT $PG_PORT $REDIS_PORT $MYSQL_PORT" ] \
      || warn "servers of profile $PROFILE already run on ports $NATS_PORT/$NATS_MON_PORT/$PG_PORT/$REDIS_PORT/$MYSQL_PORT (nats/monitor/postgres/redis/mariadb); stop them to change ports"
  fi
  if write_nats_conf native "$NATS_CONF"; then apply_nats_conf; fi
  # Check every port before starting anything, so a conflict leaves nothing half-started.
  for s in "${SERVERS[@]}"; do
    if pid="$(pid_of "$s")"; then
      say "$s: already running (pid $pid, port $(port_of "$s"))"
    else
      check_ports_free "$s"
      started+=("$s")
    fi
  done
  for s in "${started[@]}"; do "start_$s"; done
  write_state
  for s in "${SERVERS[@]}"; do
    wait_healthy "$s"
  done
  provision_pg
  provision_mariadb
  for s in "${started[@]}"; do
    say "$s: started (pid $(pid_of "$s" || echo '?'), port $(port_of "$s"))"
  done
  write_env
  say "profile $PROFILE healthy; env in ${ENV_FILE#"$ROOT"/}"
}

alive() { # pid is alive and not a zombie
  kill -0 "$1" 2>/dev/null || return 1
  local st
  st="$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null || true)"
  [ "$st" != Z ] && [ "$st" != X ]
}
stop_pid() { # name pid
  local s="$1" pid="$2" _
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    alive "$pid" || return 0
    sleep 0.1
  done
  warn "$s: pid $pid did not exit after 10s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  sleep 0.2
}
native_stop() {
  local s pid stopped=0
  for s in "${SERVERS[@]}"; do
    if ! pid="$(pid_of "$s")"; then
      # A stale pid file (server died, or pid reused by another process) is just removed.
      case "$s" in nats) rm -f "$NATS_PID_FILE" ;; redis) rm -f "$REDIS_PID_FILE" ;; mariadb) rm -f "$(mariadb_pid_file)" ;; esac
      continue
    fi
    if [ "$s" = postgres ]; then
      runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$(pgdata)" -m fast -w -t 30 stop >>"$(log_of postgres)" 2>&1 \
        || stop_pid "$s" "$pid"
    else
      # mariadbd shuts down cleanly on SIGTERM (and removes its pid file).
      stop_pid "$s" "$pid"
    fi
    case "$s" in nats) rm -f "$NATS_PID_FILE" ;; redis) rm -f "$REDIS_PID_FILE" ;; mariadb) rm -f "$(mariadb_pid_file)" ;; esac
    say "$s: stopped (pid $pid)"
    stopped=1
  done
  [ "$stopped" = 1 ] || say "profile $PROFILE: nothing running"
}

native_status() {
  local s pid ok=0 port health
  ! any_running_native || load_state
  say "profile $PROFILE (native), data ${DATA#"$ROOT"/}"
  for s in "${SERVERS[@]}"; do
    port="$(port_of "$s")"
    [ "$s" != nats ] || port="$port (monitor $NATS_MON_PORT)"
    if pid="$(pid_of "$s")"; then
      if healthy "$s"; then health=healthy; else health=UNHEALTHY; ok=3; fi
      printf '[infra] %-8s running  port %s  pid %s  %s\n' "$s" "$port" "$pid" "$health"
    else
      printf '[infra] %-8s stopped  port %s\n' "$s" "$port"
      ok=3
    fi
  done
  return "$ok"
}

wipe_native() {
  local home
  home="$(readlink -f "$PG_HOME" 2>/dev/null || true)"
  case "$DATA" in */.mosaic/infra/"$PROFILE") ;; *) die "refusing to wipe unexpected path $DATA" ;; esac
  if [ -n "$home" ] && [ "$home" = "$PG_FALLBACK_HOME" ]; then
    rm -rf "$PG_FALLBACK_HOME"
    rmdir "$(dirname "$PG_FALLBACK_HOME")" 2>/dev/null || true
  fi
  home="$(readlink -f "$MARIADB_HOME" 2>/dev/null || true)"
  if [ -n "$home" ] && [ "$home" = "$MARIADB_FALLBACK_HOME" ]; then
    rm -rf "$MARIADB_FALLBACK_HOME"
    rmdir "$(dirname "$MARIADB_FALLBACK_HOME")" 2>/dev/null || true
  fi
  rm -rf "$PG_FALLBACK_SOCK" "$MARIADB_FALLBACK_RUN" "$DATA"
  say "profile $PROFILE: data wiped (${DATA#"$ROOT"/})"
}

# =================================================================== docker mode
COMPOSE=()
docker_available() {
  command -v docker >/dev/null 2>&1 || return 1
  timeout 3 docker info >/dev/null 2>&1 || return 1
  if docker compose version >/dev/null 2>&1; then
    COMPOSE=(docker compose)
  elif command -v docker-compose >/dev/null 2>&1; then
    COMPOSE=(docker-compose)
  else
    warn "a Docker engine answers but neither 'docker compose' nor 'docker-compose' exists; using native servers"
    return 1
  fi
}
compose() {
  MOSAIC_NATS_CONFIG="$NATS_DOCKER_CONF" MOSAIC_NATS_PORT="$NATS_PORT" MOSAIC_NATS_MONITOR_PORT="$NATS_MON_PORT" MOSAIC_PG_PORT="$PG_PORT" \
  MOSAIC_REDIS_PORT="$REDIS_PORT" MOSAIC_PG_DURABILITY="$([ "$PROFILE" = test ] && echo off || echo on)" \
  MOSAIC_MYSQL_PORT="$MYSQL_PORT" MOSAIC_MYSQL_FLUSH_AT_COMMIT="$([ "$PROFILE" = test ] && echo 0 || echo 1)" \
    "${COMPOSE[@]}" -f "$COMPOSE_FILE" -p "mosaic-$PROFILE" "$@"
}
# The container's root password (docker-compose.yml); the container only listens on 127.0.0.1.
MARIADB_DOCKER_ROOT_PASSWORD=mosaic_root
docker_cid() { compose ps -q "$1" 2>/dev/null | head -n1; }
docker_state() { # prints "running healthy" etc.; fails when no container
  local cid
  cid="$(docker_cid "$1")"
  [ -n "$cid" ] || return 1
  docker inspect -f '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$cid" 2>/dev/null
}
docker_redis_ping() {
  [ ${#COMPOSE[@]} -gt 0 ] || return 1
  [ "$(compose exec -T redis redis-cli ping 2>/dev/null | tr -d '\r')" = PONG ]
}
docker_mariadb_ping() { # the image's own health check script
  [ ${#COMPOSE[@]} -gt 0 ] || return 1
  compose exec -T mariadb healthcheck.sh --connect >/dev/null 2>&1
}
docker_start() {
  mkdir -p "$DATA"
  local s st
  if write_nats_conf docker "$NATS_DOCKER_CONF"; then
    case "$(docker_state nats || true)" in
      running*) compose kill -s HUP nats >/dev/null && say "nats: configuration reloaded (container)" ;;
    esac
  fi
  for s in "${SERVERS[@]}"; do
    st="$(docker_state "$s" || true)"
    case "$st" in running*) say "$s: already running (container, port $(port_of "$s"))" ;; *) check_ports_free "$s" ;; esac
  done
  compose up -d --wait nats postgres redis mariadb 9>&- \
    || die "docker compose up failed; see: ${COMPOSE[*]} -p mosaic-$PROFILE logs"
  # The image runs postgres-init.sql only on a fresh volume; rerun it (idempotent).
  compose exec -T postgres psql -X -q -v ON_ERROR_STOP=1 -U mosaic -d mosaic <"$INIT_SQL" >/dev/null \
    || die "postgres: provisioning failed in the container"
  compose exec -T mariadb mariadb -uroot --password="$MARIADB_DOCKER_ROOT_PASSWORD" --batch <"$MARIADB_INIT_SQL" >/dev/null \
    || die "mariadb: provisioning failed in the container"
  for s in "${SERVERS[@]}"; do wait_healthy "$s"; done
  write_state
  write_env
  say "profile $PROFILE healthy (docker compose project mosaic-$PROFILE); env in ${ENV_FILE#"$ROOT"/}"
}
docker_stop() {
  if [ "$WIPE" = 1 ]; then compose down -v --remove-orphans; else compose down --remove-orphans; fi
  say "profile $PROFILE: containers stopped (project mosaic-$PROFILE)"
}
docker_status() {
  local s st ok=0
  ! docker_any_running || load_state
  say "profile $PROFILE (docker compose project mosaic-$PROFILE)"
  for s in "${SERVERS[@]}"; do
    if st="$(docker_state "$s")" && [ "${st%% *}" = running ]; then
      if healthy "$s"; then st="healthy"; else st="UNHEALTHY"; ok=3; fi
      printf '[infra] %-8s running  port %s  container %s  %s\n' "$s" "$(port_of "$s")" "$(docker_cid "$s" | cut -c1-12)" "$st"
    else
      printf '[infra] %-8s stopped  port %s\n' "$s" "$(port_of "$s")"
      ok=3
    fi
  done
  return "$ok"
}
docker_any_running() {
  local s st
  for s in "${SERVERS[@]}"; do
    st="$(docker_state "$s" || true)"
    case "$st" in running*) return 0 ;; esac
  done
  return 1
}

# =================================================================== main
MODE="${MOSAIC_INFRA_MODE:-auto}"
case "$MODE" in
  auto) if docker_available; then MODE=docker; else MODE=native; fi ;;
  docker) docker_available || die "MOSAIC_INFRA_MODE=docker but no Docker engine (with compose) answers" ;;
  native) ;;
  *) die "MOSAIC_INFRA_MODE must be auto, native or docker" ;;
esac

mkdir -p "$INFRA_ROOT"
lock() {
  exec 9>"$LOCK_FILE"
  flock -w 300 9 || die "another infra.sh run holds $LOCK_FILE"
}

case "$CMD" in
  start) lock; "${MODE}_start" ;;
  stop)
    lock
    "${MODE}_stop"
    if [ "$WIPE" = 1 ]; then
      # Docker mode keeps its data in the compose volumes (removed by down -v); here
      # only the env/state files of the profile go, never native data that may be in use.
      if [ "$MODE" = native ]; then wipe_native; else rm -rf "$ENV_FILE" "$STATE_FILE" "$NATS_DOCKER_CONF" "$SECRETS_DIR"; fi
    fi ;;
  restart) lock; "${MODE}_stop"; "${MODE}_start" ;;
  status) "${MODE}_status" || exit 3 ;;
  env)
    if [ "$MODE" = native ]; then
      if any_running_native; then load_state; fi
    elif docker_any_running; then
      load_state
    fi
    env_lines ;;
esac
