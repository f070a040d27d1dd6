# syntax=docker/dockerfile:1

# --- build: compile TypeScript with the dev dependencies ---------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --ignore-scripts

# --- runtime: compiled code and production dependencies only, as a non-root user -----------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# `npm run cli -- …` and `npm run migration:run|show|revert` run the compiled commands in dist/;
# their pre-step finds no src/ here and builds nothing.
COPY --chown=node:node scripts/build-if-needed.js ./scripts/
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:3000/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# Node runs as PID 1 and handles SIGTERM itself: in-flight requests finish, then connections close.
CMD ["node", "dist/main.js"]
