# Container image of capsule-etl: `make image` builds ghcr.io/capsule-etl/capsule-etl,
# the image samples/schedule/cronjob.yaml runs.
#
# The binary is static (CGO_ENABLED=0: the SQLite journal is pure Go). The run
# stage is Alpine rather than distroless so the CronJob sample can use /bin/sh
# and date for dated output files; it runs as an unprivileged user (65532, the
# uid the CronJob's securityContext asks for).
FROM golang:1.26-alpine AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG COMMIT=
ARG DATE=
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X github.com/capsule-etl/capsule-etl/cmd/internal/cli.Version=${VERSION} -X github.com/capsule-etl/capsule-etl/cmd/internal/cli.Commit=${COMMIT} -X github.com/capsule-etl/capsule-etl/cmd/internal/cli.Date=${DATE}" \
      -o /out/capsule-etl ./cmd/capsule-etl

FROM alpine:3.22
RUN apk add --no-cache ca-certificates tzdata \
 && addgroup -g 65532 -S capsule \
 && adduser -u 65532 -S -G capsule -h /home/capsule capsule
COPY --from=build /out/capsule-etl /usr/local/bin/capsule-etl
USER 65532:65532
WORKDIR /home/capsule
ENTRYPOINT ["capsule-etl"]
