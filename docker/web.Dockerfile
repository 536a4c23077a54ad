# The browser app (apps/web), served by nginx, which also proxies /api and /socket.io to the user's
# backend (BACKEND_UPSTREAM, e.g. backend-a:8000), so the app talks to its own origin.
# Build from the repository root:
#   docker build -f docker/web.Dockerfile -t portfolio-planner/web .
FROM node:20-bookworm-slim AS build
RUN npm install -g pnpm@10.34.9
WORKDIR /repo
COPY package.json pnpm-workspace.yaml pnpm-lock.yaml turbo.json tsconfig.base.json ./
COPY tooling tooling
COPY packages/contracts packages/contracts
COPY apps/web apps/web
RUN pnpm install --frozen-lockfile --filter @pp/web...
# No VITE_API_URL: the production build calls the same origin's /api/v1.
RUN pnpm --filter @pp/contracts build && pnpm --filter @pp/web build

FROM nginx:1.27-alpine
ENV BACKEND_UPSTREAM=backend:8000
COPY docker/web-nginx.conf.template /etc/nginx/templates/default.conf.template
COPY --from=build /repo/apps/web/dist /usr/share/nginx/html
EXPOSE 80
