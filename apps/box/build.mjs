// Bundles the CLI and our workspace packages into dist/switchboard.js. Third-party dependencies stay
// external (installed by pnpm), so native modules and wasm assets load from node_modules.
import { build } from 'esbuild';

const externalThirdParty = {
  name: 'external-third-party',
  setup(context) {
    context.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@switchboard/') ? undefined : { path: args.path, external: true },
    );
  },
};

await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/switchboard.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  plugins: [externalThirdParty],
  sourcemap: true,
  logLevel: 'info',
});
