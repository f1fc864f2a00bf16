FROM node:20-bookworm-slim
WORKDIR /app
# cc and git build the local model's persistent thread pool library on first start (docs/decisions/0019).
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev git \
  && rm -rf /var/lib/apt/lists/*
RUN npm install -g pnpm@10.34.8
COPY . .
RUN pnpm install --frozen-lockfile && pnpm build
ENV NODE_ENV=production
EXPOSE 3000
CMD ["node", "apps/box/bin/switchboard.js", "start"]
