import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { BoxLauncherKind } from './options';

/** How to run `switchboard start`: a program and its arguments. */
export interface BoxLauncher {
  readonly kind: BoxLauncherKind;
  readonly command: string;
  readonly args: readonly string[];
}

const boxFolder = fileURLToPath(new URL('../../apps/box/', import.meta.url));
const bundleFile = `${boxFolder}node_modules/.cache/switchboard-chaos/switchboard.js`;
const optionalNative = ['pg-native', 'zlib-sync', 'bufferutil', 'utf-8-validate', 'pino-pretty'];

/**
 * Bundle the CLI as `apps/box/build.mjs` does (our packages inside, every dependency of the app left
 * external), but into `apps/box/node_modules/.cache`, so `apps/box/dist` and `bin/switchboard.js` are
 * left alone. Node resolves the externals from `apps/box/node_modules` as it would from `dist`.
 */
async function bundleCli(): Promise<string> {
  const manifest = JSON.parse(await readFile(`${boxFolder}package.json`, 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const external = Object.keys(manifest.dependencies).filter((name) => !name.startsWith('@switchboard/'));
  await build({
    absWorkingDir: boxFolder,
    entryPoints: ['src/main.ts'],
    outfile: bundleFile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    external: [...external, ...external.map((name) => `${name}/*`), ...optionalNative],
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    logLevel: 'error',
  });
  return bundleFile;
}

let bundled: Promise<string> | undefined;

/** The launcher of a kind; the bundle is built once per process, from the sources as they are now. */
export async function prepareLauncher(kind: BoxLauncherKind): Promise<BoxLauncher> {
  if (kind === 'bundle') {
    bundled ??= bundleCli();
    return { kind, command: process.execPath, args: [await bundled, 'start'] };
  }
  const loader = pathToFileURL(createRequire(`${boxFolder}package.json`).resolve('tsx')).href;
  return { kind, command: process.execPath, args: ['--import', loader, `${boxFolder}src/main.ts`, 'start'] };
}
