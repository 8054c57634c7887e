#!/bin/bash
# The scale-out measurements of docs/deploy.md: redis-server, N replicas of
# xiang serve and nginx (hash $request_uri consistent) on loopback.
#
#   bench/scaleout.sh N plain|canon on|off
#
# N replicas; canon adds -canonical-redirects; on|off is nginx's proxy_cache.
# By default: one warm sweep of 30 days x 3x3 tiles at z10, then wrk (DUR,
# default 8s). SWEEP=1: two sweeps with curl -L counting X-Cache and the PNG
# objects in the cache, then renders. NOSHARED=1: no Redis.
set -e
N=$1; MODE=$2; CACHE=$3; B=$(mktemp -d); P=$B/nginx; mkdir -p $P/cache
trap 'rm -rf $B' EXIT
go build -o $B/xiang ./cmd/xiang
cp "$(dirname "$0")/scaleout.lua" $B/paths.lua
free() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
RP=$(free); FP=$(free)
USER_LINE=""; [ "$(id -u)" = 0 ] && USER_LINE="user root;"
redis-server --port $RP --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --pidfile $B/redis.pid >/dev/null
sleep 0.3; redis-cli -p $RP flushall >/dev/null
FLAGS="-log-level warn"; [ -z "$NOSHARED" ] && FLAGS="$FLAGS -shared-cache redis://127.0.0.1:$RP/0"; [ $MODE = canon ] && FLAGS="$FLAGS -canonical-redirects"
PIDS=""; SERVERS=""
for i in $(seq 1 $N); do port=$(free); PORTS="$PORTS $port"; $B/xiang serve -addr 127.0.0.1:$port $FLAGS >$B/r$i.log 2>&1 & PIDS="$PIDS $!"; SERVERS="$SERVERS server 127.0.0.1:$port;"; done
CC=""; [ $CACHE = on ] && CC="proxy_cache x; proxy_cache_key \$request_uri; proxy_cache_lock on; add_header X-Cache \$upstream_cache_status always;"
cat > $P/nginx.conf <<NG
daemon on; $USER_LINE worker_processes 1; pid $P/nginx.pid; error_log $P/error.log warn;
events { worker_connections 1024; }
http { access_log off; client_body_temp_path $P/c; proxy_temp_path $P/p; fastcgi_temp_path $P/f; uwsgi_temp_path $P/u; scgi_temp_path $P/s;
 proxy_cache_path $P/cache levels=1:2 keys_zone=x:10m;
 upstream u { hash \$request_uri consistent; $SERVERS keepalive 64; }
 server { listen 127.0.0.1:$FP; location / { proxy_pass http://u; proxy_http_version 1.1; proxy_set_header Connection ""; $CC }
  location /tiles/k/ { proxy_pass http://u; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_next_upstream error timeout http_404 http_502 http_503 http_504; proxy_next_upstream_tries 3; $CC } } }
NG
nginx -c $P/nginx.conf -p $P
sleep 1
for port in $PORTS; do until curl -sf http://127.0.0.1:$port/healthz >/dev/null; do sleep 0.2; done; done
if [ -n "$SWEEP" ]; then
for pass in 1 2; do
: > $B/hdrs
for d in $(seq -w 1 30); do for x in 829 830 831; do for y in 431 432 433; do curl -sL -D - -o /dev/null http://127.0.0.1:$FP/tiles/all/1944-06-$d/10/$x/$y.png >> $B/hdrs; done; done; done
echo "statuses: $(grep "^HTTP/" $B/hdrs | sort | uniq -c | tr -s " \n" " ")"
echo "sweep $pass: responses $(grep -c '^HTTP/' $B/hdrs), X-Cache HIT $(grep -c 'X-Cache: HIT' $B/hdrs), MISS $(grep -c 'X-Cache: MISS' $B/hdrs); PNG objects in cache: $(grep -rl 'Content-Type: image/png' $P/cache | wc -l), all objects: $(find $P/cache -type f | wc -l)"
done
U=""; for d in $(seq -w 1 30); do for x in 829 830 831; do for y in 431 432 433; do U="$U -o /dev/null http://127.0.0.1:$FP/tiles/all/1944-06-$d/10/$x/$y.png"; done; done; done
curl -sL -w '%{time_total} %{num_redirects}\n' $U > $B/times
echo "warm sweep, one keep-alive connection, 270 tiles: total $(awk '{s+=$1} END {printf "%.1f ms, %.3f ms/tile", s*1000, s*1000/NR}' $B/times), redirects followed: $(awk '{s+=$2} END {print s}' $B/times)"
echo "renders: $(for port in $PORTS; do curl -s http://127.0.0.1:$port/metrics | grep '^xiang_tile_render_duration_seconds_count'; done | awk '{s+=$2} END {print s}')"
else
# warm: one sweep
for d in $(seq -w 1 30); do for x in 829 830 831; do for y in 431 432 433; do curl -s -o /dev/null http://127.0.0.1:$FP/tiles/all/1944-06-$d/10/$x/$y.png; done; done; done
wrk -t2 -c32 -d${DUR:-8s} -s $B/paths.lua http://127.0.0.1:$FP/ | grep -E "Requests/sec|Latency|Non-2xx"
fi
[ -n "$HOLD" ] && sleep $HOLD
kill -QUIT $(cat $P/nginx.pid); kill $PIDS; kill $(cat $B/redis.pid); wait 2>/dev/null || true
