# syntax=docker/dockerfile:1
# One image for `agent-governor operator` and the injected `agent-governor sidecar` (the chart passes
# the same image to the injector). Runs as non-root with a read-only root filesystem; only /tmp is
# written (an emptyDir in the chart).
#   docker build -t agent-governor .
#   docker run --rm agent-governor operator --help
# e2e/image/dockerfile.test.ts lints this file with BuildKit's own checks and runs the runtime
# stage's steps in a clean copy (production dependencies only, as uid 65532).
ARG NODE_IMAGE=node:24-bookworm-slim

# Build: every dependency (TypeScript among them), the sources, one compile.
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npx tsc -p tsconfig.json && find dist -name '*.test.js' -delete && find dist -name '*.test.js.map' -delete

# Runtime: production dependencies and the compiled code the two commands load, nothing else
# (no tests, test doubles, e2e suites, benchmarks, tools or the local-cluster launcher).
FROM ${NODE_IMAGE} AS runtime
LABEL org.opencontainers.image.title="agent-governor" \
      org.opencontainers.image.description="Kubernetes operator and sidecar that govern AI agents: SLOs, token budgets, data residency, fallback routes" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://github.com/agent-governor/agent-governor"
# uid 65532 has no passwd entry: HOME names the writable /tmp for whatever asks for a home.
ENV NODE_ENV=production HOME=/tmp
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/dist/apis dist/apis
COPY --from=build /src/dist/runtime dist/runtime
COPY --from=build /src/dist/agents dist/agents
COPY --from=build /src/dist/residency dist/residency
COPY --from=build /src/dist/governance dist/governance
COPY --from=build /src/dist/controllers dist/controllers
COPY --from=build /src/dist/webhooks dist/webhooks
COPY --from=build /src/dist/sidecar-services dist/sidecar-services
COPY --from=build /src/dist/operator dist/operator
COPY --from=build /src/dist/sidecar dist/sidecar
COPY --from=build /src/dist/gateway dist/gateway
COPY --from=build /src/dist/cli dist/cli
COPY bin bin
# The distroless "nonroot" uid: no shell account, owns nothing in the image (all files stay root's).
USER 65532:65532
# `agent-governor sidecar` and `agent-governor operator` re-execute themselves with their own V8
# flags and glibc malloc settings (cli/node-flags.ts, docs/adr/0009-sidecar-v8-flags.md and
# docs/adr/0027-operator-v8-flags.md); the image's Node 24 has process.execve.
ENTRYPOINT ["node", "/app/bin/agent-governor.mjs"]
CMD ["--help"]
