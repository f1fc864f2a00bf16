/**
 * node-llama-cpp alone, the way the research measured it: the low-level sequence API, greedy
 * generation. Run as a child of local-model.ts, started with UV_THREADPOOL_SIZE=2 (as the llama
 * provider's child process is); prints one JSON line.
 *
 *   node --import tsx bench/local-model-nlc.ts <model> <threads> <promptTokens> <generatedTokens> <repetitions>
 */
import { getLlama } from '../packages/provider-llama/node_modules/node-llama-cpp/dist/index.js';

/** What the child prints: tokens per second of each repetition. */
export interface NodeLlamaCppResult {
  readonly prompt: number[];
  readonly generation: number[];
}

async function main(): Promise<void> {
  const [model = '', threadsText = '2', promptText = '512', generatedText = '128', repetitionsText = '3'] =
    process.argv.slice(2);
  const threads = Number(threadsText);
  const promptTokens = Number(promptText);
  const generatedTokens = Number(generatedText);
  const repetitions = Number(repetitionsText);
  const llama = await getLlama({
    gpu: false,
    build: 'never',
    maxThreads: threads,
    logLevel: 'error' as never,
  });
  const loaded = await llama.loadModel({ modelPath: model });
  const context = await loaded.createContext({
    contextSize: promptTokens + generatedTokens + 64,
    batchSize: 512,
    threads,
    flashAttention: false,
  });
  const sequence = context.getSequence();
  const prompt = Array.from({ length: promptTokens }, (_, index) => ((index * 7919 + 13) % 150_000) as never);
  const result: NodeLlamaCppResult = { prompt: [], generation: [] };
  for (let round = 0; round <= repetitions; round++) {
    await sequence.clearHistory();
    let start = performance.now();
    await sequence.evaluateWithoutGeneratingNewTokens(prompt);
    const promptSeconds = (performance.now() - start) / 1000;
    await sequence.clearHistory();
    let generated = 0;
    start = performance.now();
    for await (const _token of sequence.evaluate([prompt[0] as never], { temperature: 0 })) {
      if (++generated >= generatedTokens) break;
    }
    const generationSeconds = (performance.now() - start) / 1000;
    if (round === 0) continue;
    result.prompt.push(promptTokens / promptSeconds);
    result.generation.push(generatedTokens / generationSeconds);
  }
  await context.dispose();
  await loaded.dispose();
  await llama.dispose();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
