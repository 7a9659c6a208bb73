# syntax=docker/dockerfile:1
# One image for every Mosaic service (gateway, auth, planner, synthesizer, connector-worker) and
# the migrations. Which one a container runs: compose's `command:` (docker-compose.yml), or the
# SERVICE build argument for a single-service image:
#   docker build -t mosaic:local .                          # CMD runs the gateway
#   docker build --build-arg SERVICE=auth -t mosaic-auth .  # CMD runs auth
#   docker run mosaic:local node dist/libs/persistence/src/migrate.main.js
#
# Stages: manifests (package.json files only, so the dependency layers are cached until one
# changes) -> build (all dependencies, swc -> dist/) and deps (production dependencies only)
# -> runtime (node:24 slim, dist/ and production node_modules, non-root, no sources).

ARG NODE_IMAGE=node:24-bookworm
ARG NODE_SLIM_IMAGE=node:24-bookworm-slim

# ---------------------------------------------------------------- manifests
FROM ${NODE_SLIM_IMAGE} AS manifests
WORKDIR /src
COPY . .
# Every workspace's package.json at its place (npm ci needs them all), nothing else.
RUN find . -name node_modules -prune -o -name package.json -print \
    | tar -cf /tmp/manifests.tar -T - \
 && mkdir /manifests \
 && tar -xf /tmp/manifests.tar -C /manifests \
 && cp package-lock.json /manifests/

# ---------------------------------------------------------------- build
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY --from=manifests /manifests/ ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# ---------------------------------------------------------------- deps
FROM ${NODE_SLIM_IMAGE} AS deps
WORKDIR /app
COPY --from=manifests /manifests/ ./
# Production dependencies only; none of them needs an install script (prebuilt N-API binaries).
# The workspaces' own links (@mosaic/*, the CLI's bin) would point at sources that the runtime
# image does not have: dist/ imports the libraries by relative path.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm -rf node_modules/@mosaic node_modules/.bin/mosaic \
 && npm cache clean --force

# ---------------------------------------------------------------- runtime
FROM ${NODE_SLIM_IMAGE} AS runtime
ARG SERVICE=gateway
ENV NODE_ENV=production \
    MOSAIC_SERVICE=${SERVICE} \
    HOST=0.0.0.0 \
    PORT=8080
WORKDIR /app
# Everything below belongs to root and is read-only to the service.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=deps /app/package.json ./package.json
# The connectors find their compiled MCP servers under the folder that holds nx.json.
COPY nx.json ./nx.json
COPY --from=build /src/dist/libs ./dist/libs
COPY --from=build /src/dist/services ./dist/services
# The image's unprivileged `node` user, by number so that Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 8080
# Liveness: HEALTH_PATH when set (docker-compose.yml sets the readiness path), else /health/live,
# or /api/health/live for the gateway, which serves its operations routes under /api.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "const get=(p)=>fetch('http://127.0.0.1:'+process.env.PORT+p,{signal:AbortSignal.timeout(4000)}).then((r)=>r.status);const path=process.env.HEALTH_PATH;(path?get(path):get('/health/live').then((s)=>s===404?get('/api/health/live'):s)).then((s)=>process.exit(s>=200&&s<300?0:1),()=>process.exit(1))"]
CMD ["/bin/sh", "-c", "exec node \"dist/services/${MOSAIC_SERVICE}/src/main.js\""]
