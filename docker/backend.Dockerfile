# One user's backend (apps/backend). Build from the repository root:
#   docker build -f docker/backend.Dockerfile -t portfolio-planner/backend .
# better-sqlite3 compiles natively here (the full image has python3, make and g++).
FROM node:20-bookworm AS build
RUN npm install -g pnpm@10.34.9
WORKDIR /repo
ENV PRISMA_SCHEMA_ENGINE_BINARY=/dev/null
COPY package.json pnpm-workspace.yaml pnpm-lock.yaml turbo.json tsconfig.base.json ./
COPY tooling tooling
COPY packages/contracts packages/contracts
COPY apps/backend apps/backend
RUN pnpm install --frozen-lockfile --filter @pp/backend...
RUN pnpm --filter @pp/contracts build && pnpm --filter @pp/backend build
RUN pnpm --filter @pp/backend deploy --prod --legacy /out

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=8000 DATABASE_URL=file:/data/portfolio.db
WORKDIR /app
COPY --from=build --chown=node:node /out ./
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Migrations apply at start.
CMD ["node", "dist/server.js"]
