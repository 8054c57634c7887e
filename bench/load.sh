#!/usr/bin/env bash
# bench/load.sh: warm serving of cached tiles, xiang against nginx on the same
# bytes (docs/performance targets: ≥ 1.0× nginx req/s, p99 no worse, ≤ 200 MB
# RSS with a 128 MB tile cache).
#
# It builds and starts `xiang serve` on 127.0.0.1, fetches a set of tiles once
# (which warms xiang's cache) and saves those same bytes under a temporary
# directory, starts nginx with a private prefix serving them, then runs
#   wrk -t2 -c64 -d10s --latency
# against both for one hot tile and for a spread of tiles (a Lua script
# cycling through the paths), prints req/s, p50 and p99 of each, the ratios
# and each server's peak RSS (VmHWM), and stops both.
#
# Needs the Debian packages wrk, nginx (or nginx-light) and curl, and Go.
# Environment:
#   DATA=DIR        campaign directory (default: the embedded campaign)
#   DATE=YYYY-MM-DD date of the tiles (default 1944-06-18)
#   DURATION=10s    length of each wrk run
#   CACHE=128MB     xiang's -cache
#   LOG=warn        xiang's -log-level (info logs every request to a file)
#   XIANG_PORT=18480, NGINX_PORT=18481 (on 127.0.0.1)
set -euo pipefail

cd "$(dirname "$0")/.."
DATE=${DATE:-1944-06-18}
DURATION=${DURATION:-10s}
CACHE=${CACHE:-128MB}
LOG=${LOG:-warn}
XIANG_PORT=${XIANG_PORT:-18480}
NGINX_PORT=${NGINX_PORT:-18481}
LAYERS=all

for tool in wrk nginx curl go awk; do
	if ! command -v "$tool" >/dev/null; then
		echo "load.sh: $tool not found (Debian packages: wrk nginx-light curl; Go from go.dev)" >&2
		exit 1
	fi
done

work=$(mktemp -d /tmp/xiang-load.XXXXXX)
chmod 755 "$work" # nginx workers run as an unprivileged user
xiang_pid="" nginx_prefix="$work/nginx"
cleanup() {
	if [[ -n $xiang_pid ]] && kill -0 "$xiang_pid" 2>/dev/null; then
		kill -TERM "$xiang_pid" && wait "$xiang_pid" 2>/dev/null || true
	fi
	if [[ -f $nginx_prefix/nginx.pid ]]; then
		kill -QUIT "$(cat "$nginx_prefix/nginx.pid")" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

echo "building xiang…"
go build -o "$work/xiang" ./cmd/xiang

data_flag=()
[[ -n ${DATA:-} ]] && data_flag=(-data "$DATA")
xiang_url="http://127.0.0.1:$XIANG_PORT"
nginx_url="http://127.0.0.1:$NGINX_PORT"
for url in "$xiang_url" "$nginx_url"; do
	if curl -s -o /dev/null "$url/"; then
		echo "load.sh: something already listens at $url (set XIANG_PORT / NGINX_PORT)" >&2
		exit 1
	fi
done
start=$(date +%s.%N)
"$work/xiang" serve -addr "127.0.0.1:$XIANG_PORT" -cache "$CACHE" -log-level "$LOG" "${data_flag[@]}" \
	2>"$work/xiang.log" &
xiang_pid=$!
for _ in $(seq 100); do
	curl -sf -o /dev/null "$xiang_url/healthz" && break
	kill -0 "$xiang_pid" 2>/dev/null || { cat "$work/xiang.log" >&2; exit 1; }
	sleep 0.05
done
curl -sf -o /dev/null "$xiang_url/healthz" || { echo "xiang did not start" >&2; cat "$work/xiang.log" >&2; exit 1; }
echo "xiang at $xiang_url, answering /healthz $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}') s after exec"

# The tile set: every tile over lon 109–114.5, lat 25.5–29.5 at z6–z10, as in
# docs' performance notes.
awk -v layers="$LAYERS" -v date="$DATE" 'BEGIN {
	pi = atan2(0, -1)
	for (z = 6; z <= 10; z++) {
		n = 2 ^ z
		x0 = int((109 + 180) / 360 * n); x1 = int((114.5 + 180) / 360 * n)
		y0 = ty(29.5, n); y1 = ty(25.5, n)
		for (x = x0; x <= x1; x++) for (y = y0; y <= y1; y++)
			printf "/tiles/%s/%s/%d/%d/%d.png\n", layers, date, z, x, y
	}
}
function ty(lat, n,   r) { r = lat * pi / 180; return int((1 - log(sin(r) / cos(r) + 1 / cos(r)) / pi) / 2 * n) }' \
	>"$work/paths.txt"
count=$(wc -l <"$work/paths.txt")

# Warm xiang's cache and save the very same bytes for nginx.
www="$work/www"
: >"$work/curl.cfg"
while read -r p; do
	printf 'url = "%s%s"\noutput = "%s%s"\n' "$xiang_url" "$p" "$www" "$p" >>"$work/curl.cfg"
done <"$work/paths.txt"
t0=$(date +%s.%N)
curl -sf --create-dirs -K "$work/curl.cfg"
t1=$(date +%s.%N)
chmod -R a+rX "$www" # curl makes its directories 0750
bytes=$(du -sb "$www" | cut -f1)
echo "warmed $count tiles ($((bytes / 1024)) KiB) in $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') s"

# The hot tile: the largest one, as a worst case for copying bytes.
hot=$(cd "$www" && find . -name '*.png' -printf '%s %P\n' | sort -n | tail -1 | cut -d' ' -f2)
hot="/$hot"
echo "hot tile: $hot ($(stat -c %s "$www$hot") bytes)"

mkdir -p "$nginx_prefix/logs"
cat >"$nginx_prefix/nginx.conf" <<EOF
worker_processes auto;
pid $nginx_prefix/nginx.pid;
error_log $nginx_prefix/logs/error.log warn;
events { worker_connections 1024; }
http {
	include /etc/nginx/mime.types;
	access_log off;
	sendfile on;
	tcp_nopush on;
	tcp_nodelay on;
	keepalive_requests 1000000;
	open_file_cache max=2000 inactive=60s;
	client_body_temp_path $nginx_prefix/client_body;
	proxy_temp_path $nginx_prefix/proxy;
	fastcgi_temp_path $nginx_prefix/fastcgi;
	uwsgi_temp_path $nginx_prefix/uwsgi;
	scgi_temp_path $nginx_prefix/scgi;
	server {
		listen 127.0.0.1:$NGINX_PORT;
		root $www;
		add_header Cache-Control "public, max-age=86400";
		add_header Access-Control-Allow-Origin "*";
	}
}
EOF
nginx -c "$nginx_prefix/nginx.conf" -p "$nginx_prefix"
for _ in $(seq 50); do
	curl -sf -o /dev/null "$nginx_url$hot" && break
	sleep 0.1
done
if ! cmp -s <(curl -sf "$nginx_url$hot") <(curl -sf "$xiang_url$hot"); then
	echo "nginx and xiang disagree on $hot:" >&2
	curl -sS -o /dev/null -w "nginx %{http_code} %{size_download}\n" "$nginx_url$hot" >&2
	cat "$nginx_prefix/logs/error.log" >&2
	exit 1
fi

cat >"$work/cycle.lua" <<'EOF'
-- cycles through the paths in $XIANG_PATHS, each thread from its own start
local paths = {}
for line in io.lines(os.getenv("XIANG_PATHS")) do paths[#paths + 1] = line end
local i = 0
function init(args)
	math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 1000)
	i = math.random(#paths)
end
function request()
	i = i % #paths + 1
	return wrk.format("GET", paths[i])
end
EOF

# run NAME URL [LUA]: one wrk run; prints "req/s p50 p99" (latencies in ms).
run() {
	local out
	if [[ -n ${3:-} ]]; then
		out=$(XIANG_PATHS="$work/paths.txt" wrk -t2 -c64 -d"$DURATION" --latency -s "$3" "$2")
	else
		out=$(wrk -t2 -c64 -d"$DURATION" --latency "$2")
	fi
	echo "$out" >"$work/wrk-$1.txt"
	if grep -q 'Non-2xx' <<<"$out"; then
		echo "$1: non-2xx responses:" >&2
		echo "$out" >&2
		exit 1
	fi
	awk '
	function ms(v) {
		if (v ~ /us$/) return v / 1000
		if (v ~ /ms$/) return v + 0
		if (v ~ /s$/) return v * 1000
		return v
	}
	/Requests\/sec/ { rps = $2 }
	$1 == "50%" { p50 = ms($2) }
	$1 == "99%" { p99 = ms($2) }
	END { printf "%.0f %.2f %.2f\n", rps, p50, p99 }' <<<"$out"
}

nginx_pids() { pgrep -P "$(cat "$nginx_prefix/nginx.pid")"; cat "$nginx_prefix/nginx.pid"; }
hwm_kb() { local t=0 p; for p in "$@"; do t=$((t + $(awk '/VmHWM/ {print $2}' "/proc/$p/status"))); done; echo "$t"; }

echo "wrk -t2 -c64 -d$DURATION --latency, $(nproc) CPUs shared by wrk and the server"
declare -A res
for scenario in hot spread; do
	for server in xiang nginx; do
		url=${server}_url
		if [[ $scenario == hot ]]; then
			res[$scenario,$server]=$(run "$scenario-$server" "${!url}$hot")
		else
			res[$scenario,$server]=$(run "$scenario-$server" "${!url}/" "$work/cycle.lua")
		fi
	done
done
xiang_rss=$(hwm_kb "$xiang_pid")
nginx_rss=$(hwm_kb $(nginx_pids))

printf '\n%-8s %-6s %10s %9s %9s\n' scenario server "req/s" "p50 ms" "p99 ms"
for scenario in hot spread; do
	for server in xiang nginx; do
		read -r rps p50 p99 <<<"${res[$scenario,$server]}"
		printf '%-8s %-6s %10s %9s %9s\n' "$scenario" "$server" "$rps" "$p50" "$p99"
	done
done
echo
for scenario in hot spread; do
	read -r xr _ xp99 <<<"${res[$scenario,xiang]}"
	read -r nr _ np99 <<<"${res[$scenario,nginx]}"
	awk -v s="$scenario" -v xr="$xr" -v nr="$nr" -v xp="$xp99" -v np="$np99" \
		'BEGIN { printf "%-8s xiang/nginx req/s %.2f×, p99 %.2f×\n", s, xr / nr, xp / np }'
done
printf 'peak RSS (VmHWM): xiang %.1f MB (-cache %s), nginx %.1f MB (master + workers)\n' \
	"$(awk -v k="$xiang_rss" 'BEGIN{print k/1024}')" "$CACHE" "$(awk -v k="$nginx_rss" 'BEGIN{print k/1024}')"
echo "xiang cache: $(curl -s "$xiang_url/metrics" | grep -E '^xiang_cache_(hits_total|misses_total|bytes)\{cache="tile"\}' | tr '\n' ' ')"
