# Build: a static, pure-Go binary (the embedded SQLite driver needs no cgo).
FROM golang:1.26-bookworm AS build
WORKDIR /src

# Modules first, so that this layer is reused until go.mod or go.sum change.
COPY go.mod go.sum ./
RUN go mod download

COPY . .
# The build cache mount needs BuildKit (the default builder since Docker 23).
RUN --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/citizenapi ./cmd/citizenapi
# An empty data folder for nonroot, so that a volume mounted there starts
# out writable by it.
RUN mkdir -p /out/data

# Run: distroless static (CA certificates and tzdata, no shell), as the
# nonroot user (uid 65532).
FROM gcr.io/distroless/static-debian12:nonroot

# The default DATA_DIR and SQLite file (./data) must be writable: nonroot's
# home is. Without a volume on /home/nonroot/data the development keys and
# the SQLite file live in the container and go with it (docker-compose.yml
# mounts one).
WORKDIR /home/nonroot
COPY --from=build /out/citizenapi /citizenapi
COPY --from=build --chown=nonroot:nonroot /out/data /home/nonroot/data

ENV HTTP_ADDR=:8080
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/citizenapi"]
CMD ["serve"]
