import { defineConfig } from 'drizzle-kit';

/** `pnpm --filter @switchboard/memory generate` writes a new migration into ./drizzle from src/schema.ts. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema.ts',
  out: './drizzle',
  strict: true,
  verbose: true,
});
