# syntax=docker/dockerfile:1
# One image for `agent-governor operator` and `agent-governor sidecar`.
# Build: docker build -t agent-governor .   Runs as non-root with a read-only root filesystem.

FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json ./
COPY apis apis
COPY operator operator
COPY controllers controllers
COPY webhooks webhooks
COPY sidecar sidecar
COPY cli cli
COPY e2e e2e
COPY bench bench
RUN npx tsc -p tsconfig.json

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /src/dist dist
COPY bin bin
COPY crds crds
USER 65532:65532
# `agent-governor sidecar` re-executes itself with its V8 flags (cli/sidecar-node-flags.ts,
# docs/adr/0009-sidecar-v8-flags.md); the operator runs with Node's defaults. No NODE_OPTIONS needed.
ENTRYPOINT ["node", "/app/bin/agent-governor.mjs"]
CMD ["--help"]
