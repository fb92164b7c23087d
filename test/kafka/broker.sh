#!/usr/bin/env bash
# A real single-node Apache Kafka (KRaft, broker+controller) for tests and benchmarks.
#
#   test/kafka/broker.sh start|stop|kill|restart|status
#
# start    fetch Kafka with Maven (cached in ~/.m2), format the data dir if new, start the
#          broker on loopback, wait until it answers metadata requests, print the bootstrap.
# stop     SIGTERM (controlled shutdown), wait for the process to end.
# kill     SIGKILL, as in a crash. The data dir stays; `restart` recovers from it.
# restart  start again on the same data dir (after kill or stop).
# status   print the bootstrap address if the broker answers, else exit 1.
# secured  print the secured listener as JSON: bootstrap (SASL_SSL), the test CA's certificate
#          file, the SCRAM-SHA-512 user and the file holding its password.
#
# KAFKA_PORT (default 19092; the controller listens on KAFKA_PORT+1, the secured SASL_SSL
# listener on KAFKA_PORT+2) and KAFKA_DATA_DIR (default test/kafka/target/data) override the
# defaults. KAFKA_HEAP (default 512m). The secured listener's CA, broker certificate and SCRAM
# password are made in $KAFKA_DATA_DIR/secure on first start (openssl); a data dir formatted by an
# older broker.sh has no SCRAM user: delete it.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
port="${KAFKA_PORT:-19092}"
controller_port="$((port + 1))"
secure_port="$((port + 2))"
data_dir="${KAFKA_DATA_DIR:-$here/target/data}"
heap="${KAFKA_HEAP:-512m}"
libs="$here/target/libs"
pid_file="$data_dir/broker.pid"
bootstrap="127.0.0.1:$port"
secure_dir="$data_dir/secure"
scram_user="edge-gateway"

log() { echo "broker.sh: $*" >&2; }

running_pid() {
  [[ -f "$pid_file" ]] || return 1
  local pid
  pid="$(cat "$pid_file")"
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

fetch() {
  if [[ -f "$libs/.complete" ]]; then return; fi
  log "fetching Kafka with Maven (cached in the local Maven repository)"
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$libs" >&2
  touch "$libs/.complete"
}

# java with Kafka's classpath and the test log config; used by start and format.
java_args=(java "-Xms$heap" "-Xmx$heap" -XX:+UseG1GC -Djava.awt.headless=true
  "-Dlog4j2.configurationFile=$here/log4j2.properties" "-Dkafka.logs.dir=$data_dir"
  -cp "$libs/*")
java_run() { "${java_args[@]}" "$@"; }

write_config() {
  sed -e "s#@PORT@#$port#g" -e "s#@CONTROLLER_PORT@#$controller_port#g" -e "s#@SECURE_PORT@#$secure_port#g" \
    -e "s#@DATA_DIR@#$data_dir#g" "$here/server.properties" > "$data_dir/server.properties"
}

# The secured listener's material: a test CA, the broker's certificate for 127.0.0.1 signed by it
# (key and chain in one PEM keystore), and a random SCRAM password. Made once per data dir.
make_secure_material() {
  [[ -f "$secure_dir/.complete" ]] && return
  mkdir -p "$secure_dir"
  chmod 700 "$secure_dir"
  local d="$secure_dir"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$d/ca.key" -out "$d/ca.pem" \
    -days 3650 -subj "/CN=edge-gateway test CA" -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$d/broker.key" -out "$d/broker.csr" \
    -subj "/CN=127.0.0.1" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' > "$d/broker.ext"
  openssl x509 -req -in "$d/broker.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial -days 3650 \
    -extfile "$d/broker.ext" -out "$d/broker.pem" 2>/dev/null
  cat "$d/broker.key" "$d/broker.pem" > "$d/broker-keystore.pem"
  (umask 077 && openssl rand -hex 24 > "$d/scram-password")
  chmod 600 "$d"/*.key "$d/broker-keystore.pem"
  touch "$d/.complete"
}

format_if_new() {
  mkdir -p "$data_dir"
  write_config
  make_secure_material
  if [[ -f "$data_dir/logs/meta.properties" ]]; then return; fi
  local cluster_id
  cluster_id="$(java_run kafka.tools.StorageTool random-uuid)"
  java_run kafka.tools.StorageTool format -t "$cluster_id" \
    -c "$data_dir/server.properties" \
    --add-scram "SCRAM-SHA-512=[name=$scram_user,password=$(cat "$secure_dir/scram-password")]" >&2
}

# Waits until the broker answers a metadata request (not just an open port).
wait_ready() {
  local deadline=$((SECONDS + ${KAFKA_START_TIMEOUT:-90}))
  while (( SECONDS < deadline )); do
    if ! running_pid >/dev/null; then
      log "broker exited during start-up; last lines of $data_dir/broker.log and stdout:"
      tail -n 30 "$data_dir/broker.log" "$data_dir/broker.out" >&2 || true
      return 1
    fi
    if node "$here/metadata-check.mjs" "$bootstrap" 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  log "broker did not answer metadata requests within ${KAFKA_START_TIMEOUT:-90} s"
  return 1
}

start() {
  if running_pid >/dev/null; then
    log "already running"
    wait_ready
    echo "$bootstrap"
    return
  fi
  fetch
  format_if_new
  # setsid: the broker outlives the shell that started it and ignores its terminal signals.
  setsid "${java_args[@]}" kafka.Kafka "$data_dir/server.properties" \
    > "$data_dir/broker.out" 2>&1 < /dev/null &
  echo $! > "$pid_file"
  wait_ready
  echo "$bootstrap"
}

stop_with() {
  local signal="$1" pid
  if ! pid="$(running_pid)"; then log "not running"; return 0; fi
  kill "-$signal" "$pid"
  local deadline=$((SECONDS + 60))
  while kill -0 "$pid" 2>/dev/null; do
    if (( SECONDS >= deadline )); then
      log "broker did not stop within 60 s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    sleep 0.2
  done
  rm -f "$pid_file"
}

case "${1:-}" in
  start|restart) start ;;
  stop) stop_with TERM ;;
  kill) stop_with KILL ;;
  secured)
    printf '{"bootstrap":"127.0.0.1:%s","caFile":"%s","username":"%s","passwordFile":"%s"}\n' \
      "$secure_port" "$secure_dir/ca.pem" "$scram_user" "$secure_dir/scram-password"
    ;;
  status)
    if running_pid >/dev/null && node "$here/metadata-check.mjs" "$bootstrap" 2>/dev/null; then
      echo "$bootstrap"
    else
      log "not running at $bootstrap"
      exit 1
    fi
    ;;
  *)
    echo "usage: $0 start|stop|kill|restart|status|secured" >&2
    exit 64
    ;;
esac
