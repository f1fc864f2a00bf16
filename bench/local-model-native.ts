/**
 * Native llama.cpp for the local-model benchmark: `llama-bench` built from the llama.cpp source that
 * node-llama-cpp ships (same commit as its prebuilt binaries), cached under
 * node_modules/.cache/switchboard-llama-bench, and a runner that parses its JSON output.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { llamaCppSource, repositoryRoot } from '../packages/testkit/src/models/index';

const run = promisify(execFile);
const cacheDirectory = join(repositoryRoot, 'node_modules', '.cache', 'switchboard-llama-bench');
const buildDirectory = join(cacheDirectory, 'build');
const binary = join(buildDirectory, 'bin', 'llama-bench');
const stampFile = join(cacheDirectory, 'stamp.json');

/** Throughput of one llama-bench test, tokens per second. */
export interface NativeResult {
  readonly meanTokensPerSecond: number;
  readonly deviation: number;
}

/** The path of a `llama-bench` built like node-llama-cpp's CPU binaries (no OpenMP), building it if needed. */
export async function ensureLlamaBench(): Promise<string> {
  const source = await llamaCppSource();
  if (source === undefined)
    throw new Error('The llama.cpp source bundled in node-llama-cpp could not be checked out (git?).');
  const commit = (await run('git', ['-C', source.directory, 'rev-parse', 'HEAD'])).stdout.trim();
  const cmakeLists = await readFile(join(source.directory, 'CMakeLists.txt'), 'utf8');
  const flags = [
    '-G',
    'Ninja',
    '-DCMAKE_BUILD_TYPE=Release',
    '-DGGML_NATIVE=ON',
    '-DGGML_OPENMP=OFF',
    '-DLLAMA_CURL=OFF',
    ...(cmakeLists.includes('option(LLAMA_OPENSSL') ? ['-DLLAMA_OPENSSL=OFF'] : []),
  ];
  const stamp = JSON.stringify({ commit, flags });
  if (existsSync(binary) && (await readFile(stampFile, 'utf8').catch(() => '')) === stamp) return binary;
  process.stderr.write(
    `Building llama-bench from llama.cpp ${commit.slice(0, 10)} (a few minutes on 2 cores)…\n`,
  );
  await rm(buildDirectory, { recursive: true, force: true });
  await mkdir(buildDirectory, { recursive: true });
  await loud('cmake', ['-S', source.directory, '-B', buildDirectory, ...flags]);
  await loud('ninja', ['-C', buildDirectory, 'llama-bench']);
  await writeFile(stampFile, stamp);
  return binary;
}

/** Runs llama-bench for prompt processing (`-p`) and generation (`-n`) with flash attention off. */
export async function runLlamaBench(options: {
  readonly model: string;
  readonly threads: number;
  readonly promptTokens: number;
  readonly generatedTokens: number;
  readonly repetitions: number;
}): Promise<{ prompt: NativeResult; generation: NativeResult }> {
  const path = await ensureLlamaBench();
  const { stdout } = await run(
    path,
    [
      ...['-m', options.model, '-t', String(options.threads), '-fa', '0'],
      ...['-p', String(options.promptTokens), '-n', String(options.generatedTokens)],
      ...['-r', String(options.repetitions), '-o', 'json'],
    ],
    { maxBuffer: 16 << 20 },
  );
  const rows = JSON.parse(stdout) as { n_prompt: number; n_gen: number; avg_ts: number; stddev_ts: number }[];
  const pick = (generation: boolean): NativeResult => {
    const row = rows.find((candidate) =>
      generation ? candidate.n_gen > 0 : candidate.n_prompt > 0 && candidate.n_gen === 0,
    );
    if (!row) throw new Error(`llama-bench printed no ${generation ? 'generation' : 'prompt'} result`);
    return { meanTokensPerSecond: row.avg_ts, deviation: row.stddev_ts };
  };
  return { prompt: pick(false), generation: pick(true) };
}

function loud(command: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.pipe(process.stderr);
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}`)),
    );
  });
}
