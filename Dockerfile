# Flowlens: the API, dashboard and scheduled work in one Node process (docs/cluster.md).
#   docker build -t flowlens .
#   docker run -p 8080:8080 -v flowlens-data:/data flowlens                  # embedded ClickHouse in /data
#   docker run -p 8080:8080 -e FLOWLENS_CLICKHOUSE_URL=http://user:pass@clickhouse:8123 flowlens
# Debian slim, not Alpine: the embedded engine (chdb) is built for glibc.

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# npm install, not npm ci: the lockfile lists only the chdb platform packages this project's registry serves (.ci/run)
RUN npm install --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    FLOWLENS_HOST=0.0.0.0 \
    FLOWLENS_PORT=8080 \
    FLOWLENS_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 8080
# ready = store open and schema migrated (GET /healthz answers 200)
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["serve"]
