# syntax=docker/dockerfile:1
# The reference server. Untested on the development machines (they run no Docker engine): CI on
# GitHub builds the image, checks that it holds no development dependency and answers /health,
# and prints its size (.github/workflows/ci.yml, job "image").
#
# The base is Node.js 26, the active LTS, pinned by the digest of its multi-arch index so that a
# rebuild gets the same base. The development machines cannot reach an image registry: this
# digest of node:26.10.0-bookworm-slim was taken from public Dockerfiles that pin that tag, not
# resolved here; the image job fails if it is wrong. Refresh it with a newer 26.x (and move
# NODE_ACTIVE in .ci/run along) from the output of
#   docker buildx imagetools inspect node:26-bookworm-slim
ARG NODE_IMAGE=node:26.10.0-bookworm-slim@sha256:662933cf47f013bc8e4beb31a6116448427a82057ba7c42c97e4c5ba766504c2

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Manifests first, so the dependency layer is cached until one of them changes.
COPY package.json package-lock.json .npmrc ./
COPY packages/core/package.json packages/core/
COPY packages/storage-pg/package.json packages/storage-pg/
COPY packages/adapter-koa/package.json packages/adapter-koa/
COPY packages/web-component/package.json packages/web-component/
COPY examples/reference-app/package.json examples/reference-app/
COPY examples/embed/package.json examples/embed/
COPY examples/host-app/package.json examples/host-app/
RUN npm ci --no-audit --no-fund
COPY . .
# The server runs the code only: no type declarations (see tsup.shared.ts), which are most of
# the build time. Then the development dependencies go, and the optional ones with them:
# @uaip/core names vitest as an optional peer, so `--omit=dev` alone keeps vitest, vite, tsx,
# esbuild and playwright (93 MB of the 186 MB). No optional package is used at run time (they
# are build tools' platform binaries, and pg's Cloudflare Workers socket).
RUN UAIP_SKIP_TYPES=1 npm run build \
 && npm prune --omit=dev --omit=optional --no-audit --no-fund

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build --chown=node:node /app /app
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:3000/health').then((r) => process.exit(r.status < 500 ? 0 : 1), () => process.exit(1))"
CMD ["node", "examples/reference-app/dist/main.js"]
