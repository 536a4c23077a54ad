# The relay (apps/collab). Build from the repository root:
#   docker build -f docker/collab.Dockerfile -t portfolio-planner/collab .
FROM node:20-bookworm-slim AS build
RUN npm install -g pnpm@10.34.9
WORKDIR /repo
COPY package.json pnpm-workspace.yaml pnpm-lock.yaml turbo.json tsconfig.base.json ./
COPY tooling tooling
COPY packages/contracts packages/contracts
COPY apps/collab apps/collab
RUN pnpm install --frozen-lockfile --filter @pp/collab...
RUN pnpm --filter @pp/contracts build && pnpm --filter @pp/collab build
# A self-contained folder: the app, its production dependencies, the built contracts package.
RUN pnpm --filter @pp/collab deploy --prod --legacy /out

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /out ./
USER node
EXPOSE 9000
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9000/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM (docker stop) drains backends and exits within 2 s.
CMD ["node", "dist/server.js", "--port", "9000", "--host", "0.0.0.0"]
