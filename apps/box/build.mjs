// Bundles the CLI, our workspace packages and pure-JS dependencies into dist/switchboard.js.
// Packages that load native addons, wasm or files beside themselves stay external; each of them is a
// dependency of this app so the bundle resolves them from its own node_modules.
import { copyFileSync, readFileSync } from 'node:fs';
import { build } from 'esbuild';

const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const external = Object.keys(manifest.dependencies).filter((name) => !name.startsWith('@switchboard/'));
const optionalNative = ['pg-native', 'zlib-sync', 'bufferutil', 'utf-8-validate', 'pino-pretty'];

const shared = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  external: [...external, ...external.map((name) => `${name}/*`), ...optionalNative],
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  sourcemap: true,
  logLevel: 'info',
};

await build({ ...shared, entryPoints: ['src/main.ts'], outfile: 'dist/switchboard.js' });
// The local model runs in its own process; provider-llama looks for this file beside the bundle.
await build({
  ...shared,
  entryPoints: ['../../packages/provider-llama/src/child/main.ts'],
  outfile: 'dist/llama-child.js',
});
// provider-llama compiles its thread pool library from this C source, looked up beside the bundle.
copyFileSync(
  '../../packages/provider-llama/src/threadpool/persistent-threadpool.c',
  'dist/persistent-threadpool.c',
);
