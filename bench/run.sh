#!/usr/bin/env bash
# bench/run.sh: xiang's benchmark against its peers, Mapnik (cold render) and
# nginx (warm serving), in one run on this machine. `make bench` runs it.
#
# It installs the peers from Debian packages when they are missing, builds
# xiang and bench/cmd/xiang-bench, generates the synthetic campaign at two
# densities and the tile list, then measures:
#   1. cold render, one thread: xiang against Mapnik on the same features,
#      style and tiles, PNG out; and xiang's full cartography on the default
#      campaign;
#   2. warm serving: `xiang serve` answering cached tiles against nginx
#      serving the same bytes from disk, with wrk on 127.0.0.1;
#   3. scaling: xiang with 1 and 2 render workers, and its memory under load;
#   4. full cartography: xiang drawing the embedded campaign (summary map and
#      three dates) against Mapnik drawing `xiang export` of the same features
#      in a plain style, same tiles, both cold; and the bytes of xiang's tiles
#      against the same tiles recompressed losslessly by `optipng -o2`;
#   5. seeding: `xiang seed` tiles/s with 1 and 2 workers on a daily sweep.
# It prints a table and writes bench/results/<time>/ (every raw result),
# bench/results/latest.json and bench/results/latest.md.
#
# Knobs (environment):
#   BENCH_ROUNDS=3     cold-render runs of each kind (the median is reported)
#   BENCH_SEED_ROUNDS=7 seeding rounds, each xiang seed with 1 then 2 workers
#   BENCH_SECONDS=10   duration of each measured wrk load
#   BENCH_SERVE_ROUNDS=3 rounds of the warm loads, each a pair of nginx and xiang
#   BENCH_TILES=0      use about this many tiles of each list (0: all), for quick runs
#   BENCH_SKIP=        space-separated parts to skip: render scale serve campaign bytes seed
#
# Only loopback addresses are used; every load and every step is bounded in
# time; the servers it starts are stopped on exit, even on failure.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
ROUNDS=${BENCH_ROUNDS:-3}
# Seeding runs are short (2 s) and the 2-core machine's noise is as large
# as the effect measured: more rounds, each a pair of 1 and 2 workers.
SEED_ROUNDS=${BENCH_SEED_ROUNDS:-7}
SECS=${BENCH_SECONDS:-10}
SERVE_ROUNDS=${BENCH_SERVE_ROUNDS:-3}
LIMIT=${BENCH_TILES:-0}
SKIP=" ${BENCH_SKIP:-} "
DATE=1944-07-15
# The full-cartography rows: the summary map and three dates.
CDATES="summary 1944-06-18 1944-07-15 1945-05-01"
# The seeding sweep: ten days over a box around Hengyang, z6–z12.
SEED_ARGS=(-bbox 112.0,26.5,113.2,27.6 -dates 1944-07-10/1944-07-19/P1D -zoom 6-12)
PY=/usr/bin/python3
GO=${GO:-go}
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=$ROOT/bench/results/$STAMP
BIN=$OUT/bin
mkdir -p "$OUT"/{bin,render,scale,serve,png,campaign,seed}
exec > >(tee "$OUT/run.log") 2>&1

XPID=""
NGINX_CONF=""
NGINX_PREFIX=""
cleanup() {
	local rc=$?
	if [ -n "$XPID" ] && kill -0 "$XPID" 2>/dev/null; then
		kill -TERM "$XPID" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$XPID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$XPID" 2>/dev/null || true
	fi
	if [ -n "$NGINX_PREFIX" ] && [ -s "$NGINX_PREFIX/nginx.pid" ]; then
		nginx -p "$NGINX_PREFIX" -c "$NGINX_CONF" -e "$NGINX_PREFIX/error.log" -s quit 2>/dev/null ||
			kill -QUIT "$(cat "$NGINX_PREFIX/nginx.pid")" 2>/dev/null || true
	fi
	if [ $rc -ne 0 ]; then echo "bench: failed (exit $rc); partial results in $OUT" >&2; fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n== %s\n' "$*"; }
skip() { [[ $SKIP == *" $1 "* ]]; }

# --- peers -----------------------------------------------------------------
step "peers"
missing=""
for p in python3-mapnik nginx-light wrk optipng; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
# nginx from another Debian package (nginx, nginx-full) serves as well.
if [[ $missing == *nginx-light* ]] && command -v nginx >/dev/null; then missing=${missing/ nginx-light/}; fi
if [ -n "$missing" ]; then
	echo "installing:$missing"
	SUDO=""
	[ "$(id -u)" = 0 ] || SUDO=sudo
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
MAPNIK=$($PY -c 'import mapnik; v = mapnik.mapnik_version(); print("%d.%d.%d" % (v // 100000, v // 100 % 1000, v % 100))')
NGINX=$(nginx -v 2>&1 | sed 's|.*nginx/||')
WRK=$( (wrk -v 2>&1 || true) | awk 'NR == 1 {print $2}' | sed 's|.*/||; s|-.*||')
echo "Mapnik $MAPNIK, nginx $NGINX, wrk $WRK"

# --- build and data ----------------------------------------------------------
step "build"
$GO build -o "$BIN/xiang-bench" ./bench/cmd/xiang-bench
$GO build -o "$BIN/xiang" ./cmd/xiang
XB=$BIN/xiang-bench
HAVE_SERVE=1
if ! "$BIN/xiang" serve -h >/dev/null 2>&1; then
	HAVE_SERVE=0
	echo "xiang has no serve command yet: the serving part is skipped"
fi

step "data"
"$XB" gen -out "$OUT/data"
TILES=$OUT/data/tiles.txt
HTILES=$OUT/data/tiles-hunan.txt
if [ "$LIMIT" -gt 0 ]; then
	for f in tiles tiles-hunan; do
		n=$(wc -l <"$OUT/data/$f.txt")
		k=$(((n + LIMIT - 1) / LIMIT))
		awk -v k="$k" 'NR % k == 1 || k == 1' "$OUT/data/$f.txt" >"$OUT/data/$f-run.txt"
	done
	TILES=$OUT/data/tiles-run.txt
	HTILES=$OUT/data/tiles-hunan-run.txt
	echo "BENCH_TILES=$LIMIT: $(wc -l <"$TILES") and $(wc -l <"$HTILES") tiles"
fi

{
	echo "time=$(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "command=${BENCH_COMMAND:-bench/run.sh}"
	echo "cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
	echo "cores=$(nproc)"
	echo "kernel=Linux $(uname -r)"
	echo "go=$($GO env GOVERSION | sed 's/^go//')"
	echo "mapnik=$MAPNIK"
	echo "nginx=$NGINX"
	echo "wrk=$WRK"
	echo "commit=$(git describe --always --dirty 2>/dev/null || echo unknown)"
	echo "rounds=$ROUNDS"
	echo "wrk_seconds=$SECS"
	echo "serve_rounds=$SERVE_ROUNDS"
	echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$OUT/env.txt"

# --- 1. cold render ----------------------------------------------------------
if ! skip render; then
	step "cold render, one thread: xiang and Mapnik ($ROUNDS rounds)"
	for r in $(seq "$ROUNDS"); do
		for d in 1 10; do
			png_m=() png_x=()
			if [ "$r" = 1 ]; then png_m=(--png "$OUT/png/mapnik-d$d") png_x=(-png "$OUT/png/xiang-d$d"); fi
			timeout 900 $PY bench/mapnik_render.py --data "$OUT/data/mapnik-$d.geojson" --style "$OUT/data/style.json" \
				--tiles "$TILES" --json "$OUT/render/mapnik-d$d-r$r.json" "${png_m[@]}"
			GOMAXPROCS=1 timeout 900 "$XB" render -data "$OUT/data/campaign-$d" -tiles "$TILES" \
				-json "$OUT/render/xiang-d$d-r$r.json" "${png_x[@]}"
		done
		GOMAXPROCS=1 timeout 900 "$XB" render -tiles "$HTILES" -date "$DATE" -json "$OUT/render/hunan-r$r.json"
	done
	for d in 1 10; do
		"$XB" compare -a "$OUT/png/xiang-d$d" -b "$OUT/png/mapnik-d$d" -tiles "$TILES" -json "$OUT/compare-d$d.json"
	done
fi

# --- 2. warm serving ---------------------------------------------------------
# mem PID...: the summed VmHWM and VmRSS of processes, in bytes.
mem() {
	local hwm=0 rss=0 p v
	for p in "$@"; do
		v=$(awk '/^VmHWM:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
		hwm=$((hwm + ${v:-0} * 1024))
		v=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
		rss=$((rss + ${v:-0} * 1024))
	done
	echo "$hwm $rss"
}
# reset_hwm PID...: resets the peak RSS of processes (Linux clear_refs 5).
reset_hwm() {
	local p
	for p in "$@"; do echo 5 >"/proc/$p/clear_refs" 2>/dev/null || return 1; done
}
nginx_pids() {
	local master
	master=$(cat "$NGINX_PREFIX/nginx.pid")
	echo "$master $(pgrep -P "$master" | tr '\n' ' ')"
}
# load NAME URL PATHS: one measured wrk run, its JSON to serve/NAME.json.
load() {
	echo "-- $1: wrk -t2 -c64 -d${SECS}s --latency $2 ($(wc -l <"$3") paths)"
	timeout $((SECS + 60)) wrk -t2 -c64 -d"${SECS}s" --timeout 5s --latency -s bench/wrk.lua "$2" -- "$3" >"$OUT/serve/$1.txt"
	grep -E '^(Requests/sec|     (50|99)%)' "$OUT/serve/$1.txt" || true
	grep '^RESULT ' "$OUT/serve/$1.txt" | sed 's/^RESULT //' >"$OUT/serve/$1.json"
	[ -s "$OUT/serve/$1.json" ] || { echo "wrk printed no result for $1" >&2; return 1; }
}

if ! skip serve && [ "$HAVE_SERVE" = 1 ]; then
	step "warm serving: xiang serve and nginx, same bytes"
	XPORT=$("$XB" port)
	quiet=()
	# No log line per request, as nginx runs with access_log off.
	if "$BIN/xiang" serve -h 2>&1 | grep -q -- -log-level; then quiet=(-log-level warn); fi
	"$BIN/xiang" serve -addr "127.0.0.1:$XPORT" -data "$OUT/data/campaign-1" -cache 128MB -max-zoom 20 \
		"${quiet[@]}" 2>"$OUT/serve/xiang.log" &
	XPID=$!
	"$XB" wait -url "http://127.0.0.1:$XPORT/healthz" -timeout 60s
	PREFIX=/tiles/all/$DATE
	timeout 300 "$XB" fetch -base "http://127.0.0.1:$XPORT" -prefix "$PREFIX" -tiles "$TILES" -root "$OUT/www" \
		-paths "$OUT/serve/paths.txt" -hot "$OUT/serve/hot.txt" -json "$OUT/fetch.json"

	NGINX_PREFIX=$OUT/nginx
	NGINX_CONF=$NGINX_PREFIX/nginx.conf
	NPORT=$("$XB" port)
	mkdir -p "$NGINX_PREFIX/tmp"
	cat >"$NGINX_CONF" <<-EOF
		# nginx as a tile server: static files, no access log, sendfile,
		# an open-file cache and unlimited keep-alive requests.
		worker_processes auto;
		pid $NGINX_PREFIX/nginx.pid;
		error_log $NGINX_PREFIX/error.log warn;
		events { worker_connections 1024; }
		http {
		    types { image/png png; }
		    default_type application/octet-stream;
		    access_log off;
		    sendfile on;
		    tcp_nopush on;
		    tcp_nodelay on;
		    keepalive_timeout 65;
		    keepalive_requests 1000000;
		    open_file_cache max=4096 inactive=60s;
		    open_file_cache_valid 60s;
		    client_body_temp_path $NGINX_PREFIX/tmp/body;
		    proxy_temp_path $NGINX_PREFIX/tmp/proxy;
		    fastcgi_temp_path $NGINX_PREFIX/tmp/fastcgi;
		    uwsgi_temp_path $NGINX_PREFIX/tmp/uwsgi;
		    scgi_temp_path $NGINX_PREFIX/tmp/scgi;
		    server {
		        listen 127.0.0.1:$NPORT;
		        root $OUT/www;
		    }
		}
	EOF
	nginx -p "$NGINX_PREFIX" -c "$NGINX_CONF" -e "$NGINX_PREFIX/error.log"
	HOT=$(cat "$OUT/serve/hot.txt")
	"$XB" wait -url "http://127.0.0.1:$NPORT$HOT" -timeout 30s
	echo "$HOT" >"$OUT/serve/hot-paths.txt"

	read -r xlife _ < <(mem "$XPID")
	read -r nlife _ < <(mem $(nginx_pids))
	reset=true
	reset_hwm "$XPID" $(nginx_pids) || reset=false
	echo "-- warm-up: 2 s of the spread load on each server (not measured)"
	timeout 60 wrk -t2 -c64 -d2s -s bench/wrk.lua "http://127.0.0.1:$NPORT" -- "$OUT/serve/paths.txt" >/dev/null
	timeout 60 wrk -t2 -c64 -d2s -s bench/wrk.lua "http://127.0.0.1:$XPORT" -- "$OUT/serve/paths.txt" >/dev/null
	# Rounds of pairs, nginx first in odd rounds and xiang first in even
	# ones: a drift in the machine's load hits both alike, and the report
	# takes the median of the pairs' ratios.
	for r in $(seq "$SERVE_ROUNDS"); do
		for l in hot spread; do
			paths=$OUT/serve/paths.txt
			[ $l = hot ] && paths=$OUT/serve/hot-paths.txt
			order="nginx xiang"
			[ $((r % 2)) = 0 ] && order="xiang nginx"
			for srv in $order; do
				port=$NPORT
				[ $srv = xiang ] && port=$XPORT
				load "$srv-$l-r$r" "http://127.0.0.1:$port" "$paths"
			done
		done
	done

	for srv in xiang nginx; do
		if [ $srv = xiang ]; then pids=$XPID life=$xlife; else pids=$(nginx_pids) life=$nlife; fi
		read -r hwm rss < <(mem $pids)
		n=$(echo $pids | wc -w)
		printf '{"server":"%s","processes":%d,"load_hwm_bytes":%d,"life_hwm_bytes":%d,"end_rss_bytes":%d,"reset_hwm":%s}\n' \
			$srv "$n" "$hwm" $((hwm > life ? hwm : life)) "$rss" $reset >"$OUT/serve/$srv-mem.json"
	done
	"$XB" wait -url "http://127.0.0.1:$XPORT/metrics" -timeout 5s -o "$OUT/serve/xiang-metrics.txt" || true
	kill -TERM "$XPID" && wait "$XPID" || true
	XPID=""
	nginx -p "$NGINX_PREFIX" -c "$NGINX_CONF" -e "$NGINX_PREFIX/error.log" -s quit
	for _ in $(seq 50); do [ -s "$NGINX_PREFIX/nginx.pid" ] || break; sleep 0.1; done
	NGINX_PREFIX=""
fi

# --- 3. scaling (memory under load is measured in 2.) ------------------------
if ! skip scale; then
	step "scaling: xiang with 1 and 2 workers, GOMAXPROCS 2 ($ROUNDS rounds)"
	for r in $(seq "$ROUNDS"); do
		for d in 1 10; do
			for w in 1 2; do
				GOMAXPROCS=2 timeout 900 "$XB" render -data "$OUT/data/campaign-$d" -tiles "$TILES" -workers "$w" \
					-json "$OUT/scale/d$d-w$w-r$r.json"
			done
		done
	done
fi

# --- 4. full cartography against Mapnik, and bytes against optipng -----------
if ! skip campaign; then
	step "full cartography, one thread: xiang on the campaign, Mapnik on its export ($ROUNDS rounds)"
	for d in $CDATES; do
		dflag=()
		[ "$d" = summary ] || dflag=(-date "$d")
		"$BIN/xiang" export "${dflag[@]}" -o "$OUT/data/hunan-$d.geojson"
		"$XB" merc -in "$OUT/data/hunan-$d.geojson" -out "$OUT/data/hunan-$d-merc.geojson"
	done
	for r in $(seq "$ROUNDS"); do
		for d in $CDATES; do
			dflag=() png_m=() png_x=()
			[ "$d" = summary ] || dflag=(-date "$d")
			if [ "$r" = 1 ]; then png_m=(--png "$OUT/png/mapnik-$d") png_x=(-png "$OUT/png/xiang-$d"); fi
			timeout 900 $PY bench/mapnik_render.py --plain --data "$OUT/data/hunan-$d-merc.geojson" --style "$OUT/data/style.json" \
				--tiles "$TILES" --json "$OUT/campaign/mapnik-$d-r$r.json" "${png_m[@]}"
			GOMAXPROCS=1 timeout 900 "$XB" render -tiles "$TILES" "${dflag[@]}" -json "$OUT/campaign/xiang-$d-r$r.json" "${png_x[@]}"
		done
	done
	if ! skip bytes; then
		step "bytes: xiang's tiles against optipng -o2 of the same tiles"
		for d in $CDATES; do
			rm -rf "$OUT/png/optipng-$d"
			cp -r "$OUT/png/xiang-$d" "$OUT/png/optipng-$d"
			find "$OUT/png/optipng-$d" -name '*.png' -print0 | timeout 1800 xargs -0 -n 64 -P 2 optipng -quiet -o2
			"$XB" bytes -a "$OUT/png/xiang-$d" -b "$OUT/png/optipng-$d" -tiles "$TILES" -json "$OUT/campaign/bytes-$d.json"
		done
	fi
fi

# --- 5. seeding ----------------------------------------------------------------
if ! skip seed; then
	step "seeding: xiang seed with 1 and 2 workers, ${SEED_ARGS[*]} ($SEED_ROUNDS rounds)"
	for r in $(seq "$SEED_ROUNDS"); do
		for w in 1 2; do
			timeout 900 "$XB" seed -xiang "$BIN/xiang" -workers "$w" -o "$OUT/seed/archives" \
				-json "$OUT/seed/w$w-r$r.json" -- "${SEED_ARGS[@]}"
		done
	done
fi

# --- report ------------------------------------------------------------------
echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/env.txt"
step "report"
"$XB" report -dir "$OUT" -out "$OUT/report.json" -md "$OUT/report.md"
cp "$OUT/report.json" "$ROOT/bench/results/latest.json"
cp "$OUT/report.md" "$ROOT/bench/results/latest.md"
rm -rf "$BIN" "$OUT/www" "$OUT/nginx/tmp"
echo
echo "results: $OUT (and bench/results/latest.json, latest.md)"
