/**
 * `tsx bench/scale-out/profile-summary.ts DIR [top]`: for every V8 CPU profile (`*.cpuprofile`) in DIR, the
 * share of samples by where the code lives (our packages, a dependency, Node itself, idle, GC) and the
 * functions with the most self time. What `bench:scale-out --profile DIR` leaves behind.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
}

/** Where a frame's code lives: a package of ours, a dependency, Node, or V8's own entries. */
function placeOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (url === '') return `(${functionName || 'native'})`;
  if (url.startsWith('node:')) return 'node';
  const dependency = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency?.[1]) return dependency[1];
  const ours = /(packages|apps)\/([^/]+)/.exec(url);
  if (ours?.[2]) return `@switchboard/${ours[2]}`;
  return url.includes('/dist/') ? 'box bundle' : url.split('/').slice(-2).join('/');
}

const [folder = '.', topText = '15'] = process.argv.slice(2);
const top = Number(topText);
for (const file of (await readdir(folder)).filter((name) => name.endsWith('.cpuprofile')).sort()) {
  const profile = JSON.parse(await readFile(join(folder, file), 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const places = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const id of profile.samples) {
    const node = byId.get(id);
    if (node === undefined) continue;
    const place = placeOf(node.callFrame);
    places.set(place, (places.get(place) ?? 0) + 1);
    const name = `${node.callFrame.functionName || '(anonymous)'} ${place}:${node.callFrame.lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + 1);
  }
  const total = profile.samples.length;
  const busy = total - (places.get('(idle)') ?? 0) - (places.get('(program)') ?? 0);
  const share = (count: number) => `${((100 * count) / total).toFixed(1)} %`;
  console.log(`\n${file}: ${total} samples, ${share(busy)} busy in JavaScript`);
  for (const [place, count] of [...places].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`  ${share(count).padStart(7)}  ${place}`);
  console.log('  top functions (self time):');
  for (const [name, count] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`  ${share(count).padStart(7)}  ${name}`);
}
