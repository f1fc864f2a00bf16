#!/usr/bin/env node
// Runs the bundled CLI when built (`pnpm build`), else the TypeScript sources through tsx.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const bundle = join(here, '..', 'dist', 'switchboard.js');
if (existsSync(bundle)) await import(bundle);
else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(join(here, '..', 'src', 'main.ts'));
}
