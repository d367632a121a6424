# capsule-etl — build, test and demo. Only Go is needed; modules come from the Go proxy.
GO      ?= go
BIN     := bin/capsule-etl
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/capsule-etl/capsule-etl/cmd/internal/cli.Version=$(VERSION)
PKGS    := ./...

.PHONY: all build test test-race bench bench-scale lint demo fuzz clean

all: lint test build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/capsule-etl

# The whole suite: unit tests, fuzz seed corpora, end-to-end tests against the
# built-in sandbox on loopback (each test starts its own), and the race detector
# on the concurrent packages.
test: lint
	$(GO) test -count=1 -timeout 15m $(PKGS)
	$(GO) test -count=1 -timeout 15m -race ./capsule/... ./pipeline/...

bench:
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

# Offline dry run at 100k and 1M generated HubSpot-shaped rows beside miller's
# CSV-to-JSON Lines cat of the same file: wall time and peak RSS (issue 14).
bench-scale:
	.ci/bench-scale.sh

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

demo: build
	$(BIN) demo

clean:
	rm -rf bin
