import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is `packages/testkit/src/models/paths.ts`). */
export const repositoryRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** Where generated test models and the llama.cpp source checkout are cached. */
export const modelCacheDirectory = join(repositoryRoot, 'node_modules', '.cache', 'switchboard-models');

/**
 * The installed node-llama-cpp package directory, found without depending on it: through the packages
 * that do depend on it, then the root and the pnpm store. Undefined when it is not installed.
 */
export function nodeLlamaCppDirectory(): string | undefined {
  const candidates = [
    join(repositoryRoot, 'packages', 'provider-llama', 'node_modules', 'node-llama-cpp'),
    join(repositoryRoot, 'packages', 'gguf', 'node_modules', 'node-llama-cpp'),
    join(repositoryRoot, 'node_modules', 'node-llama-cpp'),
    ...pnpmStoreCandidates(),
  ];
  const found = candidates.find((candidate) => existsSync(join(candidate, 'llama', 'gitRelease.bundle')));
  return found === undefined ? undefined : realpathSync(found);
}

function pnpmStoreCandidates(): string[] {
  const store = join(repositoryRoot, 'node_modules', '.pnpm');
  if (!existsSync(store)) return [];
  return readdirSync(store)
    .filter((entry) => entry.startsWith('node-llama-cpp@'))
    .sort()
    .reverse()
    .map((entry) => join(store, entry, 'node_modules', 'node-llama-cpp'));
}

/** Where the stories260K fixture (a real trained model) is looked for: `<repo>/../shared/fixtures/`. */
export const storiesFixturePath = resolve(repositoryRoot, '..', 'shared', 'fixtures', 'stories260K.gguf');

/** `<repo>/../shared/fixtures/stories260K.gguf` (a real trained model) when present. */
export function storiesModelPath(): string | undefined {
  return existsSync(storiesFixturePath) ? storiesFixturePath : undefined;
}

/**
 * When the stories260K fixture is missing, print (to the test output, not only as a skip) which
 * smoke test does not run, where the file was looked for and how to make it run. Returns true when the
 * fixture is missing, for `describe.skipIf`.
 */
export function reportMissingStories(test: string, path: string = storiesFixturePath): boolean {
  if (existsSync(path)) return false;
  console.warn(
    `SKIPPED ${test}: the stories260K fixture is not at ${path}. It is a real trained model in the shared folder beside the clone (../shared/fixtures); put stories260K.gguf there to run this smoke test.`,
  );
  return true;
}
