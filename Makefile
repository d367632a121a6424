# capsule-etl — build, test and demo. Only Go is needed; modules come from the Go proxy.
GO      ?= go
BIN     := bin/capsule-etl
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null)
DATE    ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
CLI     := github.com/capsule-etl/capsule-etl/cmd/internal/cli
# The same stamps as .goreleaser.yaml; a test builds with them and reads `version --json`.
LDFLAGS := -s -w -X $(CLI).Version=$(VERSION) -X $(CLI).Commit=$(COMMIT) -X $(CLI).Date=$(DATE)
PKGS    := ./...

IMAGE   ?= ghcr.io/capsule-etl/capsule-etl
# GoReleaser, pinned, built on first use (about a minute from a warm module
# cache) and only by the release targets: `make test` checks the configuration
# without it.
GORELEASER ?= $(GO) run github.com/goreleaser/goreleaser/v2@v2.17.0

.PHONY: all build test test-race bench lint demo fuzz clean bench-scale release-check release-snapshot image

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

# Every archive (Linux, macOS, Windows on amd64 and arm64), checksums, man
# pages and completions in dist/, nothing published; then the archive test
# unpacks the Linux one and runs `capsule-etl version --json` from it.
release-snapshot:
	$(GORELEASER) release --snapshot --clean
	$(GO) test -count=1 -tags release -run TestSnapshotArchive ./cmd/capsule-etl

release-check:
	$(GORELEASER) check

# The container image the CronJob sample runs (needs Docker).
image:
	@command -v docker >/dev/null 2>&1 || { echo "make image: docker is not installed"; exit 1; }
	docker build --build-arg VERSION=$(VERSION) --build-arg COMMIT=$(COMMIT) --build-arg DATE=$(DATE) \
		-t $(IMAGE):$(VERSION) -t $(IMAGE):latest .
	docker image ls $(IMAGE):$(VERSION)

clean:
	rm -rf bin dist
