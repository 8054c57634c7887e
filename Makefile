# xiang: `make test` sets up what the tests need on a fresh Debian machine and
# runs every test; with XIANG_REQUIRE_TOOLS=1 a missing tool fails a test
# instead of skipping it.

GO ?= go
APT_PACKAGES := chromium poppler-utils fonts-noto-cjk gdal-bin sqlite3 wrk nginx-light

.PHONY: test deps vet serve gallery

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

serve:
	$(GO) run ./cmd/xiang serve
