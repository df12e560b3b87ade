# shellcheck shell=bash
# The benchmark driver in a process group of its own, so that what it starts (the published
# hosts, wrk) is stopped with it even when it dies without stopping them: a crash ("Out of
# memory"), kill -9. Left running, those hosts keep their ports and the caller's lock (a
# `flock` around scripts/bench hands its descriptor down to every child).
#
#   source scripts/lib/services.sh scripts/lib/driver.sh   (it uses _svc_alive)
#   run_driver dotnet driver.dll args…     # waits; returns the driver's exit code
#   stop_driver                            # in the EXIT trap: TERM to the driver, then to its
#                                          # group, KILL after 5 s

DRIVER_GROUP=""

run_driver() {
    setsid "$@" &
    DRIVER_GROUP=$!
    wait "$DRIVER_GROUP"
}

stop_driver() {
    [[ -n "$DRIVER_GROUP" ]] || return 0
    _driver_group_alive || return 0
    # The driver first, then whatever of the group outlives it by 2 s, then KILL after 5 s more.
    kill -TERM "$DRIVER_GROUP" 2>/dev/null || true
    _driver_group_gone 20 && return 0
    kill -TERM -- "-$DRIVER_GROUP" 2>/dev/null || return 0
    _driver_group_gone 50 && return 0
    printf '[driver] still running 5 s after TERM; killing process group %s\n' "$DRIVER_GROUP" >&2
    kill -KILL -- "-$DRIVER_GROUP" 2>/dev/null || true
}

# A process of the driver's group is still running. Zombies do not count: the driver itself,
# stopped by a signal while this shell was not waiting for it, stays one until it is reaped.
_driver_group_alive() {
    local pid
    for pid in $(pgrep -g "$DRIVER_GROUP"); do
        _svc_alive "$pid" && return 0
    done
    return 1
}

# True once no process of the driver's group is running, polling every 0.1 s at most $1 times.
_driver_group_gone() {
    local i
    for ((i = 0; i < $1; i++)); do
        _driver_group_alive || return 0
        sleep 0.1
    done
    return 1
}
