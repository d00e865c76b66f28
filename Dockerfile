# One image for every docsession process: the four services and the CLI.
# Pick the process with the command, e.g.
#   docker run IMAGE node apps/session/dist/main.js
#   docker run IMAGE node apps/cli/dist/main.js db migrate
# docker-compose.yml sets the command for each service.
#
# Plain Dockerfile syntax (no BuildKit-only flags), so both BuildKit and the classic
# builder can build it.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------
# manifests: only the package.json files and the lockfile. Its output changes only
# when a dependency does, so the `npm ci` layer below stays cached across code edits.
# (Globbing keeps a new lib or app from needing an edit here.)
FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps apps
COPY libs libs
RUN find apps libs -type f ! -name package.json -delete \
 && find apps libs -depth -type d -empty -delete

# ---------------------------------------------------------------------------
# build: all dependencies, compile with `tsc -b`, then drop the dev dependencies.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# No telemetry from install scripts, no update check, no Nx daemon.
ENV SCARF_ANALYTICS=false \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false \
    NX_DAEMON=false
COPY --from=manifests /app ./
RUN npm ci
COPY tsconfig.base.json tsconfig.json ./
COPY apps apps
COPY libs libs
# `npm prune --omit=dev` keeps the workspace links (node_modules/@docsession/* ->
# libs/*, apps/*) and removes typescript, jest, nx and the other dev tools.
# Sources, build info and the npm cache are not needed at run time.
RUN npm run build \
 && npm prune --omit=dev \
 && rm -rf apps/*/src libs/*/src apps/*/tsconfig.json libs/*/tsconfig.json \
           apps/*/dist/tsconfig.tsbuildinfo libs/*/dist/tsconfig.tsbuildinfo \
 && npm cache clean --force

# ---------------------------------------------------------------------------
# runtime: node, the compiled code and the production dependencies only.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    HOST=0.0.0.0 \
    DATA_DIR=/data
WORKDIR /app
# Owned by root and read-only for the node user that runs the processes.
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/libs ./libs
COPY --from=build /app/apps ./apps
# The blob store (and, when SECRET_KEY / ADMIN_TOKEN are unset, the secrets generated
# into it). Created here owned by node, so a fresh named volume mounted at /data
# inherits that owner and the unprivileged user can write to it.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
# Gateway HTTP API; the other services' probe ports are SESSION_PORT 3001,
# METERING_PORT 3002 and WORKER_PORT 3003.
EXPOSE 3000
# node is PID 1 here; the services handle SIGTERM (Nest shutdown hooks). Use
# `docker run --init` / compose `init: true` if a process should reap zombies.
CMD ["node", "apps/gateway/dist/main.js"]
