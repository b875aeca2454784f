# syntax=docker/dockerfile:1
# The reference server. Untested on the development machines (they run no Docker engine):
# CI on GitHub builds this image (.github/workflows/ci.yml, job "image").

FROM node:20-bookworm-slim AS build
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
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
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
