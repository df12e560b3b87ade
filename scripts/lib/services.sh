#!/usr/bin/env bash
# Local PostgreSQL and Redis (protocol-compatible with Valkey) servers for Halo Bestie.
#
# Sourced by scripts/run and scripts/test; also runnable on its own:
#
#   scripts/lib/services.sh free-port
#   scripts/lib/services.sh start-postgres DIR [PORT] [fast]   # prints the Npgsql connection string
#   scripts/lib/services.sh start-redis DIR [PORT]             # prints the Valkey connection string
#   scripts/lib/services.sh stop DIR                           # stops what runs on DIR or DIR/*; never fails
#   scripts/lib/services.sh purge DIR                          # stop, then delete DIR and its data
#
# Functions (when sourced): free_port, port_in_use, start_postgres, start_redis, stop_postgres,
# stop_redis, stop_services, purge_services, postgres_running_port, redis_running_port.
# After a successful start these variables are exported:
#   SERVICES_PG_CONNECTION, SERVICES_PG_PORT, SERVICES_PG_DATA
#   SERVICES_VALKEY_CONNECTION, SERVICES_VALKEY_PORT, SERVICES_VALKEY_DATA
#
# Layout of a PostgreSQL DIR (the "area"):  DIR/pgdata (cluster), DIR/run (socket, server log).
# When running as root, the server runs as the `postgres` user. If that user cannot traverse DIR
# (for example a 0700 `mktemp -d` folder), the area moves to /var/tmp/halobestie-<sha of DIR>/
# and DIR/pgdata becomes a symlink to it, so later runs find the same data.
#
# Environment: HALOBESTIE_PG_BIN overrides the PostgreSQL bin folder.
set -euo pipefail

_svc_log() { printf '[services] %s\n' "$*" >&2; }
_svc_err() { printf '[services] error: %s\n' "$*" >&2; }
_svc_is_root() { [[ "$(id -u)" -eq 0 ]]; }
_svc_sha() { printf '%s' "$1" | sha256sum | cut -c1-12; }

# _svc_alive PID: the process exists and is not a zombie (daemons exit into PID 1, which may be
# slow to reap them).
_svc_alive() {
    local state
    kill -0 "$1" 2>/dev/null || return 1
    state=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$1/status" 2>/dev/null || true)
    [[ "$state" != Z ]]
}

# ----------------------------------------------------------------------------------------------
# ports

# port_in_use PORT: true when something listens on (or holds) the TCP port on this machine.
port_in_use() {
    local p=$1
    if command -v ss >/dev/null 2>&1; then
        if [[ -n "$(ss -Htln "( sport = :$p )" 2>/dev/null)" ]]; then
            return 0
        fi
    fi
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
        return 0
    fi
    return 1
}

# free_port: print a free loopback TCP port (random, below the kernel's ephemeral range).
free_port() {
    local i p
    for ((i = 0; i < 500; i++)); do
        p=$((20000 + RANDOM % 12000))
        if ! port_in_use "$p"; then
            printf '%s\n' "$p"
            return 0
        fi
    done
    _svc_err "could not find a free TCP port"
    return 1
}

# ----------------------------------------------------------------------------------------------
# packages

_svc_apt_install() {
    if ! _svc_is_root; then
        _svc_err "missing package(s) $*; install them with: sudo apt-get install -y $*"
        return 1
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        _svc_err "missing package(s) $* and no apt-get to install them"
        return 1
    fi
    _svc_log "installing $* with apt-get"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >&2; then
        _svc_log "apt-get install failed; running apt-get update and retrying"
        DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 || true
        if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >&2; then
            _svc_err "apt-get install $* failed"
            return 1
        fi
    fi
}

# _svc_pg_bin [PGDATA]: the PostgreSQL bin folder (matching PGDATA's major version when known).
_svc_pg_bin() {
    local pgdata=${1:-} v d
    if [[ -n "${HALOBESTIE_PG_BIN:-}" ]]; then
        printf '%s\n' "$HALOBESTIE_PG_BIN"
        return 0
    fi
    if [[ -n "$pgdata" && -f "$pgdata/PG_VERSION" ]]; then
        v=$(<"$pgdata/PG_VERSION")
        if [[ -x "/usr/lib/postgresql/$v/bin/pg_ctl" ]]; then
            printf '%s\n' "/usr/lib/postgresql/$v/bin"
            return 0
        fi
    fi
    if [[ -x /usr/lib/postgresql/15/bin/initdb ]]; then
        printf '%s\n' /usr/lib/postgresql/15/bin
        return 0
    fi
    d=$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/initdb' 2>/dev/null | sort -V | tail -n 1)
    if [[ -n "$d" ]]; then
        dirname -- "$d"
        return 0
    fi
    return 1
}

_svc_ensure_postgres() {
    if _svc_pg_bin >/dev/null; then
        return 0
    fi
    _svc_apt_install postgresql || return 1
    _svc_pg_bin >/dev/null || { _svc_err "PostgreSQL binaries not found under /usr/lib/postgresql"; return 1; }
}

_svc_ensure_redis() {
    if command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; then
        return 0
    fi
    _svc_apt_install redis-server || return 1
    command -v redis-server >/dev/null 2>&1 || { _svc_err "redis-server still not found after install"; return 1; }
}

# ----------------------------------------------------------------------------------------------
# PostgreSQL

# Run a PostgreSQL program as the postgres user when root (initdb and postgres refuse root).
# Runs from / so that an unreachable current directory does not matter.
_svc_as_pg() {
    if _svc_is_root; then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && "$@")
    fi
}

_svc_pg_can_reach() {
    _svc_is_root || return 0
    (cd / && runuser -u postgres -- test -x "$1") 2>/dev/null
}

# _svc_pg_area DIR CREATE: print the folder that holds pgdata/ and run/ for DIR (absolute).
_svc_pg_area() {
    local dir=$1 create=${2:-0} target area
    if [[ -L "$dir/pgdata" ]]; then
        target=$(readlink -- "$dir/pgdata")
        [[ "$target" == /* ]] || target="$dir/$target"
        dirname -- "$target"
        return 0
    fi
    if _svc_pg_can_reach "$dir"; then
        printf '%s\n' "$dir"
        return 0
    fi
    area="/var/tmp/halobestie-$(_svc_sha "$dir")"
    if [[ "$create" == 1 ]]; then
        if [[ -e "$dir/pgdata" ]] && ! rmdir -- "$dir/pgdata" 2>/dev/null; then
            _svc_err "$dir/pgdata exists but the postgres user cannot reach $dir; make its parent folders traversable (chmod o+x) or move it"
            return 1
        fi
        mkdir -p -- "$area"
        chmod 755 -- "$area"
        ln -sfn -- "$area/pgdata" "$dir/pgdata"
        _svc_log "the postgres user cannot reach $dir; PostgreSQL data lives in $area (linked from $dir/pgdata)"
    fi
    printf '%s\n' "$area"
}

# Unix socket paths are limited to 107 bytes; fall back to a short folder for deep checkouts.
_svc_pg_sockdir() {
    local area=$1
    if ((${#area} > 80)); then
        printf '/tmp/halobestie-sock-%s\n' "$(_svc_sha "$area")"
    else
        printf '%s\n' "$area/run"
    fi
}

_svc_own_pg_dir() {
    mkdir -p -- "$1"
    if _svc_is_root; then
        chown postgres:postgres -- "$1"
    fi
    chmod 700 -- "$1"
}

# _svc_pg_running_port PGDATA: print the port of a live postmaster on PGDATA; false if none.
_svc_pg_running_port() {
    local pgdata=$1 bin
    [[ -f "$pgdata/postmaster.pid" ]] || return 1
    bin=$(_svc_pg_bin "$pgdata") || return 1
    _svc_as_pg "$bin/pg_ctl" status -D "$pgdata" >/dev/null 2>&1 || return 1
    sed -n 4p "$pgdata/postmaster.pid"
}

# postgres_running_port DIR: port of a PostgreSQL already running on DIR's data; false if none.
postgres_running_port() {
    local dir=$1 area
    [[ -d "$dir" ]] || return 1
    dir=$(cd -- "$dir" && pwd -P)
    area=$(_svc_pg_area "$dir" 0) || return 1
    _svc_pg_running_port "$area/pgdata"
}

# _svc_pg_stop PGDATA: stop the postmaster on PGDATA (fast), killing it if pg_ctl cannot.
_svc_pg_stop() {
    local pgdata=$1 bin pid i
    [[ -f "$pgdata/postmaster.pid" ]] || return 0
    pid=$(head -n 1 "$pgdata/postmaster.pid" 2>/dev/null || true)
    if bin=$(_svc_pg_bin "$pgdata"); then
        if _svc_as_pg "$bin/pg_ctl" stop -D "$pgdata" -m fast -w -t 30 -s >/dev/null 2>&1; then
            return 0
        fi
    fi
    # pg_ctl failed: only signal the pid if it really is a postmaster working in this data folder.
    [[ "$pid" =~ ^[0-9]+$ ]] || return 0
    [[ "$(readlink "/proc/$pid/cwd" 2>/dev/null || true)" == "$(cd -- "$pgdata" 2>/dev/null && pwd -P)" ]] || return 0
    _svc_log "pg_ctl could not stop PostgreSQL (pid $pid); sending signals"
    kill -INT "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 100; i++)); do
        _svc_alive "$pid" || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
}

# start_postgres DIR [PORT] [fast]
start_postgres() {
    local dir=${1:?usage: start_postgres DIR [PORT] [fast]} port=${2:-} mode=${3:-}
    local area pgdata rundir sockdir log bin running opts deadline
    [[ -n "$port" ]] || port=$(free_port) || return 1
    _svc_ensure_postgres || return 1

    mkdir -p -- "$dir"
    dir=$(cd -- "$dir" && pwd -P)
    area=$(_svc_pg_area "$dir" 1) || return 1
    pgdata=$area/pgdata
    rundir=$area/run
    sockdir=$(_svc_pg_sockdir "$area")
    log=$rundir/postgres.log
    _svc_own_pg_dir "$pgdata"
    _svc_own_pg_dir "$rundir"
    [[ "$sockdir" == "$rundir" ]] || _svc_own_pg_dir "$sockdir"

    if [[ ! -f "$pgdata/PG_VERSION" ]]; then
        if [[ -n "$(ls -A -- "$pgdata")" ]]; then
            _svc_err "$pgdata is not empty but holds no PostgreSQL cluster (no PG_VERSION)"
            return 1
        fi
        bin=$(_svc_pg_bin) || return 1
        _svc_log "initialising a PostgreSQL cluster in $pgdata"
        if ! _svc_as_pg "$bin/initdb" -N -D "$pgdata" --auth=trust -U postgres -E UTF8 \
            --locale=C.UTF-8 >"$rundir/initdb.log" 2>&1; then
            _svc_err "initdb failed:"
            tail -n 30 "$rundir/initdb.log" >&2 || true
            return 1
        fi
    fi
    bin=$(_svc_pg_bin "$pgdata") || return 1

    if running=$(_svc_pg_running_port "$pgdata"); then
        if [[ "$running" == "$port" ]] && "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -t 2; then
            _svc_log "reusing the PostgreSQL already running on $pgdata (port $port)"
        else
            _svc_log "stopping the PostgreSQL left running on $pgdata (port $running)"
            _svc_pg_stop "$pgdata"
            running=""
        fi
    else
        running=""
    fi

    if [[ -z "$running" ]]; then
        if port_in_use "$port"; then
            _svc_err "port $port is already in use"
            return 1
        fi
        opts="-p $port -k '$sockdir' -c listen_addresses=127.0.0.1 -c max_connections=300"
        # A statement logged for its duration (log_min_duration_statement, auto_explain) carries
        # its parameters by default, a message's text among them: never into this server's log.
        opts+=" -c log_parameter_max_length=0 -c log_parameter_max_length_on_error=0"
        if [[ "$mode" == fast ]]; then
            opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        fi
        # Extra server options for an investigation, e.g. "-c shared_preload_libraries=pg_stat_statements".
        if [[ -n "${HALOBESTIE_POSTGRES_OPTIONS:-}" ]]; then
            opts+=" ${HALOBESTIE_POSTGRES_OPTIONS}"
        fi
        _svc_log "starting PostgreSQL on 127.0.0.1:$port (data: $pgdata)"
        if ! _svc_as_pg "$bin/pg_ctl" start -D "$pgdata" -l "$log" -w -t 30 -s -o "$opts" >&2; then
            _svc_err "PostgreSQL did not start; end of $log:"
            tail -n 40 "$log" >&2 || true
            return 1
        fi
    fi

    deadline=$((SECONDS + 30))
    until "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -t 1; do
        if ((SECONDS >= deadline)); then
            _svc_err "PostgreSQL on port $port did not answer within 30 s; end of $log:"
            tail -n 40 "$log" >&2 || true
            return 1
        fi
        sleep 0.2
    done

    local psql=("$bin/psql" -X -q -t -A -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres)
    if [[ "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = 'halobestie'")" != 1 ]]; then
        "${psql[@]}" -c 'CREATE DATABASE halobestie' >/dev/null || { _svc_err "CREATE DATABASE halobestie failed"; return 1; }
    fi

    export SERVICES_PG_PORT=$port
    export SERVICES_PG_DATA=$pgdata
    # HALOBESTIE_POSTGRES_CONNECTION_EXTRA appends settings for an investigation (";Max Auto Prepare=0").
    export SERVICES_PG_CONNECTION="Host=127.0.0.1;Port=$port;Database=halobestie;Username=postgres;Pooling=true;Maximum Pool Size=50${HALOBESTIE_POSTGRES_CONNECTION_EXTRA:-}"
    _svc_log "PostgreSQL ready on 127.0.0.1:$port, database halobestie (data: $pgdata)"
}

# stop_postgres DIR: idempotent, never fails.
stop_postgres() {
    local dir=${1:-} area
    [[ -n "$dir" && -d "$dir" ]] || return 0
    dir=$(cd -- "$dir" && pwd -P) || return 0
    area=$(_svc_pg_area "$dir" 0 2>/dev/null) || return 0
    if [[ -f "$area/pgdata/postmaster.pid" ]]; then
        _svc_log "stopping PostgreSQL ($area/pgdata)"
        _svc_pg_stop "$area/pgdata" || true
    fi
    return 0
}

# ----------------------------------------------------------------------------------------------
# Redis / Valkey

# _svc_redis_pid DIR: print the pid of the live redis-server started on DIR; false if none.
_svc_redis_pid() {
    local dir=$1 pid
    [[ -f "$dir/redis.pid" ]] || return 1
    pid=$(head -n 1 "$dir/redis.pid" 2>/dev/null || true)
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    _svc_alive "$pid" || return 1
    [[ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" == redis-server* ]] || return 1
    printf '%s\n' "$pid"
}

# redis_running_port DIR: port of a redis-server already running on DIR; false if none.
redis_running_port() {
    local dir=$1 pid port
    [[ -d "$dir" ]] || return 1
    pid=$(_svc_redis_pid "$dir") || return 1
    port=$(cat "$dir/redis.port" 2>/dev/null || true)
    if [[ ! "$port" =~ ^[0-9]+$ ]]; then
        # the process title is "redis-server 127.0.0.1:PORT"
        port=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | sed -n 's/.*:\([0-9][0-9]*\).*/\1/p')
    fi
    [[ "$port" =~ ^[0-9]+$ ]] || return 1
    printf '%s\n' "$port"
}

_svc_redis_ping() {
    [[ "$(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null || true)" == PONG ]]
}

# start_redis DIR [PORT]
start_redis() {
    local dir=${1:?usage: start_redis DIR [PORT]} port=${2:-} running pid deadline started
    [[ -n "$port" ]] || port=$(free_port) || return 1
    _svc_ensure_redis || return 1
    mkdir -p -- "$dir"
    dir=$(cd -- "$dir" && pwd -P)

    if running=$(redis_running_port "$dir"); then
        if [[ "$running" == "$port" ]] && _svc_redis_ping "$port"; then
            _svc_log "reusing the redis-server already running on $dir (port $port)"
        else
            _svc_log "stopping the redis-server left running on $dir (port $running)"
            stop_redis "$dir"
            running=""
        fi
    else
        running=""
    fi

    if [[ -z "$running" ]]; then
        if port_in_use "$port"; then
            _svc_err "port $port is already in use"
            return 1
        fi
        rm -f -- "$dir/redis.pid"
        _svc_log "starting redis-server on 127.0.0.1:$port (folder: $dir)"
        if ! (cd / && redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
            --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --dir "$dir") >&2; then
            _svc_err "redis-server did not start; end of $dir/redis.log:"
            tail -n 30 "$dir/redis.log" >&2 2>/dev/null || true
            return 1
        fi
        printf '%s\n' "$port" >"$dir/redis.port"
    fi

    started=$SECONDS
    deadline=$((SECONDS + 30))
    until _svc_redis_ping "$port"; do
        if ((SECONDS >= deadline)); then
            _svc_err "redis-server on port $port did not answer PONG within 30 s; end of $dir/redis.log:"
            tail -n 30 "$dir/redis.log" >&2 2>/dev/null || true
            return 1
        fi
        if ((SECONDS >= started + 3)) && ! pid=$(_svc_redis_pid "$dir"); then
            _svc_err "redis-server on port $port is not running; end of $dir/redis.log:"
            tail -n 30 "$dir/redis.log" >&2 2>/dev/null || true
            return 1
        fi
        sleep 0.1
    done

    export SERVICES_VALKEY_PORT=$port
    export SERVICES_VALKEY_DATA=$dir
    export SERVICES_VALKEY_CONNECTION="127.0.0.1:$port"
    _svc_log "redis-server ready on 127.0.0.1:$port (folder: $dir)"
}

# stop_redis DIR: idempotent, never fails.
stop_redis() {
    local dir=${1:-} pid i port
    [[ -n "$dir" && -d "$dir" ]] || return 0
    if pid=$(_svc_redis_pid "$dir"); then
        _svc_log "stopping redis-server (pid $pid, $dir)"
        port=$(redis_running_port "$dir" 2>/dev/null || true)
        if [[ -n "$port" ]]; then
            timeout 5 redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || true
        fi
        if _svc_alive "$pid"; then
            kill -TERM "$pid" 2>/dev/null || true
        fi
        for ((i = 0; i < 100; i++)); do
            _svc_alive "$pid" || break
            sleep 0.1
        done
        if _svc_alive "$pid"; then
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    rm -f -- "$dir/redis.pid" "$dir/redis.port" 2>/dev/null || true
    return 0
}

# ----------------------------------------------------------------------------------------------
# both

# _svc_service_dirs DIR: DIR itself and those of its direct subfolders that hold a server
# (so that `stop DIR` also covers DIR/postgres and DIR/valkey).
_svc_service_dirs() {
    local dir=$1 sub
    printf '%s\n' "$dir"
    for sub in "$dir"/*/; do
        sub=${sub%/}
        [[ -d "$sub" ]] || continue
        if [[ -L "$sub/pgdata" || -d "$sub/pgdata" || -f "$sub/redis.pid" ]]; then
            printf '%s\n' "$sub"
        fi
    done
}

# stop_services DIR: stop the PostgreSQL and the redis-server started on DIR (or on a direct
# subfolder of DIR), if any. Idempotent; never fails.
stop_services() {
    local dir=${1:-} d
    [[ -n "$dir" && -d "$dir" ]] || return 0
    dir=$(cd -- "$dir" && pwd -P) || return 0
    while IFS= read -r d; do
        stop_postgres "$d" || true
        stop_redis "$d" || true
    done < <(_svc_service_dirs "$dir")
    return 0
}

# purge_services DIR: stop_services, then delete DIR and any data area kept outside it
# (/var/tmp/halobestie-*). Never fails.
purge_services() {
    local dir=${1:-} d area sockdir
    [[ -n "$dir" && -d "$dir" ]] || return 0
    dir=$(cd -- "$dir" && pwd -P) || return 0
    stop_services "$dir"
    while IFS= read -r d; do
        area=$(_svc_pg_area "$d" 0 2>/dev/null) || continue
        sockdir=$(_svc_pg_sockdir "$area")
        if [[ "$sockdir" == /tmp/halobestie-sock-* ]]; then
            rm -rf -- "$sockdir" 2>/dev/null || true
        fi
        if [[ "$area" == /var/tmp/halobestie-* ]]; then
            rm -rf -- "$area" 2>/dev/null || true
        fi
    done < <(_svc_service_dirs "$dir")
    rm -rf -- "$dir" 2>/dev/null || true
    return 0
}

# ----------------------------------------------------------------------------------------------
# command line

_svc_usage() {
    cat >&2 <<'EOF'
usage: services.sh free-port
       services.sh start-postgres DIR [PORT] [fast]
       services.sh start-redis DIR [PORT]
       services.sh stop DIR
       services.sh purge DIR
EOF
}

_svc_main() {
    local cmd=${1:-}
    [[ $# -gt 0 ]] && shift
    case "$cmd" in
        free-port) free_port ;;
        start-postgres)
            [[ $# -ge 1 ]] || { _svc_usage; return 2; }
            start_postgres "$@"
            printf '%s\n' "$SERVICES_PG_CONNECTION"
            ;;
        start-redis)
            [[ $# -ge 1 ]] || { _svc_usage; return 2; }
            start_redis "$@"
            printf '%s\n' "$SERVICES_VALKEY_CONNECTION"
            ;;
        stop)
            [[ $# -ge 1 ]] || { _svc_usage; return 2; }
            stop_services "$1"
            ;;
        purge)
            [[ $# -ge 1 ]] || { _svc_usage; return 2; }
            purge_services "$1"
            ;;
        -h | --help | help) _svc_usage ;;
        *)
            _svc_usage
            return 2
            ;;
    esac
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    _svc_main "$@"
fi
