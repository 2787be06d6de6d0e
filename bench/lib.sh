# Shared by the bench/ scenario scripts (sourced, not run): process bookkeeping, free ports, and starting redis,
# nutcracker and the proxy as children of the script, so that they are stopped by PID when it exits.
# Expects ROOT (the repository) to be set, and `set -euo pipefail`.

WORK=$(mktemp -d "${TMPDIR:-/tmp}/$(basename "$0").XXXXXX")
PIDS=()
OK=0

# Stops everything we started (by pid), newest first, even when the script fails half-way.
cleanup() {
  local pid i
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    kill "${PIDS[i]}" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [[ $OK == 1 ]]; then
    rm -rf "$WORK"
  else
    echo "$(basename "$0") failed; logs kept in $WORK" >&2
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

# apply_nice <n>: runs this script, and so every process it starts, at niceness n (negative needs root). On a
# machine shared with builds, a negative value keeps their threads from delaying the measured processes; every
# target gets the same treatment. Empty: leave the niceness alone.
apply_nice() {
  [[ -n $1 ]] || return 0
  renice -n "$1" -p $$ >/dev/null || { echo "cannot set niceness $1 (negative values need root)" >&2; exit 1; }
}

# apply_realtime <0|1>: runs this script, and so every process it starts, under the SCHED_RR real-time policy at
# priority 1, so that other work on the machine cannot delay the measured processes at all: a stand-in for a
# dedicated machine. Safe because the measured processes block on I/O most of the time, and the kernel keeps 5% of
# each second for normal tasks anyway (sched_rt_runtime_us); do not use it for saturating throughput runs.
apply_realtime() {
  [[ $1 == 1 ]] || return 0
  chrt -r -p 1 $$ >/dev/null || { echo "cannot switch to SCHED_RR (needs root or CAP_SYS_NICE)" >&2; exit 1; }
}

scheduling_line() {
  echo "scheduling: $(chrt -p $$ | awk -F': ' '/policy/ { print $2 }' | xargs), niceness $(ps -o ni= -p $$ | xargs)"
}

# Stops one process we started and forgets it.
stop_pid() {
  local pid=$1 i
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  for i in "${!PIDS[@]}"; do [[ ${PIDS[i]} == "$pid" ]] && unset 'PIDS[i]'; done
  PIDS=("${PIDS[@]}")
}

# A port no socket uses, below the ephemeral range (where outgoing connections take their local ports, which makes
# a bind fail even though nothing listens). Racy, but good enough for a benchmark.
EPHEMERAL_LOW=$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
free_port() {
  local port low=10000
  ((EPHEMERAL_LOW > low + 1000)) || low=1024
  while :; do
    port=$((low + RANDOM % (EPHEMERAL_LOW - low)))
    if command -v ss >/dev/null; then
      [[ -z $(ss -Htan "( sport = :$port )") ]] && { echo "$port"; return; }
    elif ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
}

# wait_until <seconds> <pid> <description> <command...>: polls the command until it succeeds.
wait_until() {
  local seconds=$1 pid=$2 what=$3
  shift 3
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { echo "$what exited while starting; see $WORK" >&2; exit 1; }
    ((SECONDS < deadline)) || { echo "$what not ready after ${seconds}s; see $WORK" >&2; exit 1; }
    sleep 0.05
  done
}

require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 1; }
  done
}

# ---- jars ----
# The proxy jar is copied into WORK before use: other builds on the machine may rewrite the original while a
# benchmark runs, and a JVM whose jar changes under it fails in odd ways.
PROXY_JAR_DEFAULT=$ROOT/shotover-proxy/target/shotover-proxy.jar
BENCH_JAR=${BENCH_JAR:-$ROOT/bench/jmh/target/shotover-bench.jar}  # env BENCH_JAR: another build of bench/jmh

ensure_proxy_jar() {  # ensure_proxy_jar <jar> <rebuild 0|1>: sets PROXY_JAR_COPY
  local jar=$1 rebuild=$2
  if [[ $rebuild == 1 || ! -f $jar ]]; then
    log "building the proxy jar"
    # only the modules the jar needs, so that work in progress in test code elsewhere cannot break the bench
    (cd "$ROOT" && mvn -B -q -pl shotover-proxy -am package -Dmaven.test.skip=true)
  fi
  PROXY_JAR_COPY=$WORK/shotover-proxy.jar
  cp "$jar" "$PROXY_JAR_COPY"
}

ensure_bench_jar() {  # ensure_bench_jar <rebuild 0|1>: sets BENCH_JAR_COPY
  if [[ $1 == 1 || ! -f $BENCH_JAR ]]; then
    log "building the benchmark jar"
    (cd "$ROOT" && mvn -B -q -pl bench/jmh -am package -Dmaven.test.skip=true)
  fi
  BENCH_JAR_COPY=$WORK/shotover-bench.jar
  cp "$BENCH_JAR" "$BENCH_JAR_COPY"
}

# ---- processes ----
# start_redis: sets REDIS_PORT (unless set) and REDIS_PID. Foreground child, so that killing it leaves no orphan.
start_redis() {
  REDIS_PORT=${REDIS_PORT:-$(free_port)}
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK" \
    --maxclients "${REDIS_MAXCLIENTS:-10000}" >"$WORK/redis.log" 2>&1 &
  REDIS_PID=$!
  PIDS+=("$REDIS_PID")
  wait_until 10 "$REDIS_PID" redis-server sh -c "redis-cli -p $REDIS_PORT ping | grep -q PONG"
}

# start_nutcracker: one server connection to redis, shared by all clients. Sets NUTCRACKER_PORT, NUTCRACKER_PID.
start_nutcracker() {
  NUTCRACKER_PORT=${NUTCRACKER_PORT:-$(free_port)}
  local stats_port
  stats_port=$(free_port)
  cat >"$WORK/nutcracker.yml" <<EOF
bench:
  listen: 127.0.0.1:$NUTCRACKER_PORT
  hash: fnv1a_64
  distribution: ketama
  redis: true
  auto_eject_hosts: false
  server_connections: 1
  servers:
   - 127.0.0.1:$REDIS_PORT:1
EOF
  nutcracker -c "$WORK/nutcracker.yml" -s "$stats_port" -a 127.0.0.1 -p "$WORK/nutcracker.pid" \
    -o "$WORK/nutcracker.log" &
  NUTCRACKER_PID=$!
  PIDS+=("$NUTCRACKER_PID")
  wait_until 10 "$NUTCRACKER_PID" nutcracker sh -c "redis-cli -p $NUTCRACKER_PORT set bench:ready 1 | grep -q OK"
}

# start_forwarder: bench/reference-forwarder.c (the cheapest proxy with one backend connection per client, in C)
# in front of redis. Sets FORWARDER_PORT, FORWARDER_PID.
start_forwarder() {
  require_tools cc
  cc -O2 -o "$WORK/forwarder" "$ROOT/bench/reference-forwarder.c"
  FORWARDER_PORT=${FORWARDER_PORT:-$(free_port)}
  "$WORK/forwarder" "$FORWARDER_PORT" "$REDIS_PORT" >"$WORK/forwarder.log" 2>&1 &
  FORWARDER_PID=$!
  PIDS+=("$FORWARDER_PID")
  wait_until 10 "$FORWARDER_PID" forwarder sh -c "redis-cli -p $FORWARDER_PORT set bench:ready 1 | grep -q OK"
}

# write_proxy_files <name> <port> <connection limit>: the topology (one Valkey source, one ValkeySinkSingle, or the
# sink named by the environment variable PROXY_SINK, e.g. ValkeySinkShared, to
# REDIS_PORT) and config of a proxy, in WORK.
write_proxy_files() {
  local name=$1 port=$2 limit=$3
  cat >"$WORK/$name-topology.yaml" <<EOF
---
sources:
  - Valkey:
      name: "valkey"
      listen_addr: "127.0.0.1:$port"
      connection_limit: $limit
      chain:
        - ${PROXY_SINK:-ValkeySinkSingle}:
            remote_address: "127.0.0.1:$REDIS_PORT"
            connect_timeout_ms: 3000
EOF
  cat >"$WORK/$name-config.yaml" <<EOF
---
main_log_level: "info"
observability_interface: "127.0.0.1:$(free_port)"
EOF
}

# start_proxy <name> <port> [connection limit]: starts the proxy (JAVA_OPTS, CORE_THREADS) with its log in
# WORK/<name>.log and sets STARTED_PID (no $(...): the JVM must stay our child, to be reaped) and STARTED_NANOS,
# the wall clock just before the JVM was started.
start_proxy() {
  local name=$1 port=$2 limit=${3:-512}
  write_proxy_files "$name" "$port" "$limit"
  STARTED_NANOS=$(date +%s%N)
  # shellcheck disable=SC2086  # JAVA_OPTS is a list of options
  java $JAVA_OPTS -jar "$PROXY_JAR_COPY" -t "$WORK/$name-topology.yaml" -c "$WORK/$name-config.yaml" \
    ${CORE_THREADS:+--core-threads "$CORE_THREADS"} >"$WORK/$name.log" 2>&1 &
  STARTED_PID=$!
  PIDS+=("$STARTED_PID")
}

ACCEPTING_LINE="Shotover is now accepting inbound connections"

# wait_accepting <name> <pid>: waits for the proxy's "accepting" log line.
wait_accepting() {
  wait_until 60 "$2" "$1" grep -q "$ACCEPTING_LINE" "$WORK/$1.log"
}

# ---- measurements ----
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }  # utime + stime, all threads
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM/ { print $2 }' "/proc/$1/status"; }
sockets_of() { find "/proc/$1/fd" -lname 'socket:*' 2>/dev/null | wc -l; }

median() {  # median of the numbers on stdin, "-" when there are none
  sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2];
                   else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

machine_line() {
  echo "machine: $(nproc) cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(uname -sr);" \
    "$(java -version 2>&1 | head -1); $(scheduling_line)"
}

# save_output <scenario> <file>: copies a result into bench/out/ (git-ignored) and prints where.
save_output() {
  mkdir -p "$ROOT/bench/out"
  local out
  out=$ROOT/bench/out/$1-$(date +%Y%m%d-%H%M%S).txt
  cp "$2" "$out"
  echo "saved to ${out#"$ROOT"/}"
}
