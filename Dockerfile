FROM node:20-bookworm-slim
WORKDIR /app
# cc and git build the local model's persistent thread pool library on first start (docs/decisions/0019);
# bubblewrap sandboxes the shell tool (docs/decisions/0035). In a container it needs user namespaces
# (`--security-opt seccomp=unconfined` or a profile that allows them); `switchboard doctor` says so.
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev git bubblewrap \
  && rm -rf /var/lib/apt/lists/*
RUN npm install -g pnpm@10.34.8
COPY . .
RUN pnpm install --frozen-lockfile && pnpm build
# Local models are mounted here (docker-compose.yml: ./models, read-only); they are never baked into the image.
RUN mkdir -p /app/models
ENV NODE_ENV=production
EXPOSE 3000
# node handles SIGTERM itself: running answers get SHUTDOWN_GRACE_SECONDS, then it exits 0.
CMD ["node", "apps/box/bin/switchboard.js", "start"]
