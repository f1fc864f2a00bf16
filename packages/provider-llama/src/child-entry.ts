import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Set to the model process's entry file to override where it is found. */
export const LLAMA_CHILD_ENV = 'SWITCHBOARD_LLAMA_CHILD';

/** The file name of the bundled model process, placed beside the box's bundle. */
export const LLAMA_CHILD_BUNDLE = 'llama-child.js';

/**
 * The model process's entry file: `$SWITCHBOARD_LLAMA_CHILD` when set; else `llama-child.js` beside this
 * module (the esbuild bundle ships it next to `switchboard.js`); else the TypeScript source
 * `src/child/main.ts` (development and tests).
 */
export function llamaChildEntry(env: NodeJS.ProcessEnv = process.env): string {
  const override = env[LLAMA_CHILD_ENV];
  if (override !== undefined && override.trim() !== '') return override;
  const bundled = fileURLToPath(new URL(`./${LLAMA_CHILD_BUNDLE}`, import.meta.url));
  if (existsSync(bundled)) return bundled;
  return fileURLToPath(new URL('./child/main.ts', import.meta.url));
}

/** Node flags for the entry: a `.ts` entry runs through tsx's loader, found from this package. */
export function childExecArgv(entry: string): string[] {
  if (!entry.endsWith('.ts')) return [];
  let loader = 'tsx';
  try {
    loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  } catch {
    // Not resolvable from here: let Node resolve `tsx` from the working directory.
  }
  return ['--import', loader];
}
