/**
 * Local model speed: generation (and prompt) tokens per second on the Qwen2.5-0.5B-shaped test model
 * (Q8_0, random weights; same size and compute as the real one), measured three ways with the same
 * model and threads, and printed as ratios:
 * 1. node-llama-cpp alone, in a child process started with UV_THREADPOOL_SIZE=2 (low-level API, greedy);
 * 2. the llama provider alone (createLlamaProvider: its model child process, LlamaChatSession, IPC), and
 *    the whole pipeline: POST /api/messages → agent → router → llama provider child → SSE deltas;
 * 3. with --native: llama-bench built from the llama.cpp source node-llama-cpp ships.
 * The three are interleaved, round after round, so background load hits them alike; ratios are taken
 * within each round and the median is reported.
 *
 * The provider and the pipeline run with the box's persistent llama.cpp thread pool (LLAMA_THREADPOOL=auto,
 * docs/decisions/0019); `--no-threadpool` runs them with node-llama-cpp's own per-token threads instead.
 *
 *   pnpm exec tsx bench/local-model.ts [--native] [--no-threadpool] [--tokens 128] [--prompt 512] [--runs 3] [--threads 2]
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { testModel } from '../packages/testkit/src/models/index';
import { type NativeResult, runLlamaBench } from './local-model-native';
import type { NodeLlamaCppResult } from './local-model-nlc';
import { startPipeline } from './local-model-pipeline';
import { startProviderBench } from './local-model-provider';

const run = promisify(execFile);

interface Options {
  readonly native: boolean;
  readonly threadpool: boolean;
  readonly tokens: number;
  readonly prompt: number;
  readonly runs: number;
  readonly threads: number;
}

/** One round: each measurement once. */
interface Round {
  readonly native?: { readonly prompt: NativeResult; readonly generation: NativeResult };
  readonly alone: { readonly prompt: number; readonly generation: number };
  /** Generation tokens per second of the llama provider alone. */
  readonly provider: number;
  readonly pipeline: {
    readonly generation: number;
    readonly firstDeltaMs: number;
    readonly outputTokens: number;
  };
}

function parseOptions(argv: readonly string[]): Options {
  const number = (name: string, fallback: number) => {
    const index = argv.indexOf(`--${name}`);
    const value = index === -1 ? fallback : Number(argv[index + 1]);
    if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} needs a positive whole number`);
    return value;
  };
  return {
    native: argv.includes('--native'),
    threadpool: !argv.includes('--no-threadpool'),
    tokens: number('tokens', 128),
    prompt: number('prompt', 512),
    runs: number('runs', 3),
    threads: number('threads', 2),
  };
}

async function nodeLlamaCppAlone(model: string, options: Options): Promise<Round['alone']> {
  const script = fileURLToPath(new URL('./local-model-nlc.ts', import.meta.url));
  const args = [String(options.threads), String(options.prompt), String(options.tokens), '1'];
  const { stdout } = await run(process.execPath, ['--import', 'tsx', script, model, ...args], {
    env: { ...process.env, UV_THREADPOOL_SIZE: '2' },
    maxBuffer: 1 << 20,
  });
  const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as NodeLlamaCppResult;
  return { prompt: result.prompt[0] ?? 0, generation: result.generation[0] ?? 0 };
}

const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const deviation = (values: readonly number[]) => {
  const average = mean(values);
  return Math.sqrt(
    values.reduce((sum, value) => sum + (value - average) ** 2, 0) / Math.max(1, values.length - 1),
  );
};
const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};
const cell = (values: readonly number[]) =>
  values.length === 0
    ? '—'
    : `${mean(values).toFixed(1)} ± ${deviation(values).toFixed(1)} (best ${Math.max(...values).toFixed(1)})`;
const ratioLine = (label: string, ratios: readonly number[]) =>
  `${label}: ${median(ratios).toFixed(2)}× (median of ${ratios.map((ratio) => ratio.toFixed(2)).join(', ')})`;

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  process.stderr.write('Preparing the bench-0.5b model and the box…\n');
  const model = await testModel('bench-0.5b');
  const settings = {
    model,
    threads: options.threads,
    generatedTokens: options.tokens,
    threadpool: options.threadpool,
  };
  const provider = await startProviderBench(settings);
  const pipeline = await startPipeline(settings).catch(async (error: unknown) => {
    await provider.stop();
    throw error;
  });
  const rounds: Round[] = [];
  try {
    for (let index = 1; index <= options.runs; index++) {
      const native = options.native
        ? await runLlamaBench({
            model,
            threads: options.threads,
            promptTokens: options.prompt,
            generatedTokens: options.tokens,
            repetitions: 1,
          })
        : undefined;
      const alone = await nodeLlamaCppAlone(model, options);
      const providerSample = await provider.ask(index);
      const sample = await pipeline.ask(index);
      const round: Round = {
        ...(native ? { native } : {}),
        alone,
        provider: providerSample.generationTokensPerSecond,
        pipeline: {
          generation: sample.generationTokensPerSecond,
          firstDeltaMs: sample.firstDeltaMs,
          outputTokens: sample.outputTokens,
        },
      };
      rounds.push(round);
      process.stderr.write(
        `round ${index}: generation t/s — native ${native?.generation.meanTokensPerSecond.toFixed(1) ?? '—'}, ` +
          `node-llama-cpp ${alone.generation.toFixed(1)}, provider ${providerSample.generationTokensPerSecond.toFixed(1)}, pipeline ${sample.generationTokensPerSecond.toFixed(1)} ` +
          `(${sample.outputTokens} tokens)\n`,
      );
    }
  } finally {
    await pipeline.stop();
    await provider.stop();
  }
  printReport(options, rounds);
}

function printReport(options: Options, rounds: readonly Round[]): void {
  const natives = rounds.flatMap((round) => (round.native ? [round.native] : []));
  console.log(
    `\nbench-0.5b (Qwen2.5-0.5B shape, Q8_0), ${options.threads} threads, tg${options.tokens}, pp${options.prompt}, ${rounds.length} rounds; ` +
      `provider and pipeline ${options.threadpool ? 'with the persistent thread pool' : 'with node-llama-cpp’s own threads (--no-threadpool)'}\n`,
  );
  console.log('| measurement | generation t/s | prompt t/s |');
  console.log('| --- | --- | --- |');
  if (natives.length > 0) {
    console.log(
      `| native llama-bench | ${cell(natives.map((native) => native.generation.meanTokensPerSecond))} | ${cell(natives.map((native) => native.prompt.meanTokensPerSecond))} |`,
    );
  }
  console.log(
    `| node-llama-cpp alone (own threads) | ${cell(rounds.map((round) => round.alone.generation))} | ${cell(rounds.map((round) => round.alone.prompt))} |`,
  );
  console.log(`| llama provider alone | ${cell(rounds.map((round) => round.provider))} | |`);
  console.log(
    `| whole pipeline (web API → SSE) | ${cell(rounds.map((round) => round.pipeline.generation))} | first delta ${median(rounds.map((round) => round.pipeline.firstDeltaMs)).toFixed(0)} ms |`,
  );
  console.log('');
  console.log(
    ratioLine(
      'provider / node-llama-cpp alone, generation',
      rounds.map((round) => round.provider / round.alone.generation),
    ),
  );
  console.log(
    ratioLine(
      'pipeline / node-llama-cpp alone, generation',
      rounds.map((round) => round.pipeline.generation / round.alone.generation),
    ),
  );
  if (natives.length === rounds.length) {
    const nativeGeneration = (round: Round) => round.native?.generation.meanTokensPerSecond ?? Number.NaN;
    const nativePrompt = (round: Round) => round.native?.prompt.meanTokensPerSecond ?? Number.NaN;
    console.log(
      ratioLine(
        'node-llama-cpp alone / native, generation',
        rounds.map((round) => round.alone.generation / nativeGeneration(round)),
      ),
    );
    console.log(
      ratioLine(
        'node-llama-cpp alone / native, prompt',
        rounds.map((round) => round.alone.prompt / nativePrompt(round)),
      ),
    );
    const pipelineRatios = rounds.map((round) => round.pipeline.generation / nativeGeneration(round));
    const met = median(pipelineRatios) >= 0.9 ? 'met' : 'NOT met';
    console.log(`${ratioLine('pipeline / native, generation', pipelineRatios)} — target ≥ 0.90×: ${met}`);
    const best = (values: readonly number[]) => Math.max(...values);
    const bestNative = best(rounds.map(nativeGeneration));
    console.log(
      `best rounds, generation: pipeline / native ${(best(rounds.map((round) => round.pipeline.generation)) / bestNative).toFixed(2)}×, ` +
        `node-llama-cpp alone / native ${(best(rounds.map((round) => round.alone.generation)) / bestNative).toFixed(2)}× ` +
        '(the fastest round of each is the one least disturbed by other work on the machine)',
    );
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
