# xiang: `make test` sets up what the tests need on a fresh Debian machine and
# runs every test; with XIANG_REQUIRE_TOOLS=1 a missing tool fails a test
# instead of skipping it.

GO ?= go
GO_PMTILES := github.com/protomaps/go-pmtiles@v1.31.2
APT_PACKAGES := chromium poppler-utils fonts-noto-cjk gdal-bin sqlite3 wrk nginx-light curl redis-server varnish

.PHONY: test deps vet serve gallery web

test: deps vet
	XIANG_REQUIRE_TOOLS=1 $(GO) test -count=1 ./...

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { gofmt -l .; echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet ./...

# deps installs the Debian packages the tests use, when any is missing.
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	@# go-pmtiles verifies the PMTiles archives `xiang seed` writes.
	@test -x "$$($(GO) env GOPATH)/bin/go-pmtiles" || command -v go-pmtiles >/dev/null || $(GO) install $(GO_PMTILES)
	@# gl-style-validate (npm @maplibre/maplibre-gl-style-spec) checks the MapLibre styles of tiles/mapstyle.
	@test -d tiles/mapstyle/testdata/validator/node_modules || { \
		command -v npm >/dev/null || { SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null; }; \
		cd tiles/mapstyle/testdata/validator && npm ci --no-audit --no-fund; }

serve:
	$(GO) run ./cmd/xiang serve

# gallery renders the README's images with xiang's own static command.
gallery:
	mkdir -p docs/gallery
	$(GO) run ./cmd/xiang static -date 1944-06-18 -bbox 112.35,27.75,113.75,28.75 -size 900x640 -o docs/gallery/changsha-1944-06-18.png
	$(GO) run ./cmd/xiang static -date 1944-07-15 -bbox 112.45,26.78,112.8,27.0 -size 900x640 -o docs/gallery/hengyang-1944-07-15.png
	$(GO) run ./cmd/xiang static -date 1944-08-08 -bbox 112.45,26.78,112.8,27.0 -size 900x640 -o docs/gallery/hengyang-1944-08-08.png
	$(GO) run ./cmd/xiang static -date 1945-05-01 -bbox 109.5,26.3,112.0,28.0 -size 900x640 -o docs/gallery/west-hunan-1945-05-01.png
	$(GO) run ./cmd/xiang animate -from 1944-06-24 -to 1944-08-08 -step P3D -bbox 112.45,26.8,112.78,27.0 -size 480x360 -o docs/gallery/hengyang-siege.gif
	$(GO) run ./cmd/xiang atlas -layers all -dates 1944-06-18,1944-07-15,1944-08-08 -paper a4 -o docs/gallery/atlas.pdf
	pdftoppm -r 100 -png -f 4 -l 4 -singlefile docs/gallery/atlas.pdf docs/gallery/atlas-page && rm docs/gallery/atlas.pdf

# web refreshes the viewer's front-end dependencies from npm (versions in
# internal/web/package-lock.json) into the embedded assets.
web:
	cd internal/web && npm ci --no-audit --no-fund
	cp internal/web/node_modules/leaflet/dist/leaflet.js internal/web/node_modules/leaflet/dist/leaflet.css internal/web/assets/leaflet/
	cp internal/web/node_modules/leaflet/dist/images/layers.png internal/web/node_modules/leaflet/dist/images/layers-2x.png internal/web/assets/leaflet/images/
	cp internal/web/node_modules/leaflet/LICENSE internal/web/assets/leaflet/LICENSE
	mkdir -p internal/web/assets/scrollama
	cp internal/web/node_modules/scrollama/build/scrollama.min.js internal/web/node_modules/scrollama/LICENSE internal/web/assets/scrollama/
	mkdir -p internal/web/assets/maplibre
	@# MapLibre GL JS 5.24.1 bundles TinySDF 2.1, which takes actualBoundingBoxLeft's sign the
	@# wrong way round, so glyphs it draws with the browser's font whose ink stands right of
	@# their origin, such as the opening bracket of 第10军（方先觉）, are cut to a sliver
	@# (mapbox/tiny-sdf#65, fixed in tiny-sdf 2.2.0 by #67; MapLibre 6 is ESM-only). The
	@# bundle is patched as that fix does; the check fails the build if the code moved.
	sed -e '/^\/\/# sourceMappingURL=/d' -e 's/,n=Math.floor(a),l=Math.max(0,Math.min(this.size-this.buffer,Math.ceil(r)-n))/,n=Math.floor(-a),l=Math.max(0,Math.min(this.size-this.buffer,Math.ceil(r)-n))/' \
		internal/web/node_modules/maplibre-gl/dist/maplibre-gl.js >internal/web/assets/maplibre/maplibre-gl.js
	grep -q 'n=Math.floor(-a),l=Math.max(0,Math.min(this.size-this.buffer' internal/web/assets/maplibre/maplibre-gl.js
	cp internal/web/node_modules/maplibre-gl/dist/maplibre-gl.css internal/web/node_modules/maplibre-gl/LICENSE.txt internal/web/assets/maplibre/

# bench measures xiang against Mapnik (cold render) and nginx (warm serving)
# in one run: bench/run.sh installs the peers when missing and writes
# bench/results/; bench/RESULTS.md holds the last full run.
.PHONY: bench
bench:
	BENCH_COMMAND="make bench" GO="$(GO)" bench/run.sh
