import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CHATML_TEMPLATE, QWEN_TOOLS_TEMPLATE, writeLlamaModel } from '@switchboard/gguf';
import { modelCacheDirectory } from './paths';
import { TEST_MODEL_SPECS, type TestModelKind } from './specs';
import { resolveVocabulary } from './vocabularies';

export { type LlamaCppSource, llamaCppSource } from './llama-source';
export {
  modelCacheDirectory,
  nodeLlamaCppDirectory,
  reportMissingStories,
  repositoryRoot,
  storiesFixturePath,
  storiesModelPath,
} from './paths';
export { TEST_MODEL_SPECS, type TestModelKind, type TestModelSpec } from './specs';

/** Bump when the writer's output for the same spec changes, so cached files are regenerated. */
const FORMAT_VERSION = 1;

const pending = new Map<TestModelKind, Promise<string>>();

/**
 * The path of a generated GGUF model with random weights, cached under
 * `node_modules/.cache/switchboard-models/` by a hash of everything that decides its bytes:
 * - `chat`: llama architecture, 64-d × 2 layers, F16, llama's real SentencePiece vocabulary plus
 *   ChatML tokens, {@link CHATML_TEMPLATE} (node-llama-cpp picks `ChatMLChatWrapper`). ~5 MB.
 * - `tools`: qwen2 architecture, 64-d × 2 layers, Q8_0, Qwen2.5's real vocabulary (with `<tool_call>`),
 *   {@link QWEN_TOOLS_TEMPLATE} (node-llama-cpp picks `QwenChatWrapper`, with function calling). ~10 MB.
 * - `bench-0.5b`: Qwen2.5-0.5B-Instruct's exact shape (896-d, 24 layers, 14/2 heads, FFN 4864, tied
 *   embeddings), Q8_0, same vocabulary and template: realistic speed and memory. ~530 MB, ~3 s to write.
 * Vocabularies come from the llama.cpp source bundled in node-llama-cpp (cloned once); without git the
 * synthetic vocabulary is used instead, with a note on the console. Safe to call from parallel test
 * processes: files are written under a temporary name and renamed.
 */
export function testModel(kind: TestModelKind): Promise<string> {
  let path = pending.get(kind);
  if (path === undefined) {
    path = generate(kind);
    pending.set(kind, path);
    path.catch(() => pending.delete(kind));
  }
  return path;
}

async function generate(kind: TestModelKind): Promise<string> {
  const spec = TEST_MODEL_SPECS[kind];
  const { vocabulary, origin } = await resolveVocabulary(spec.vocabulary);
  const key = createHash('sha256')
    .update(JSON.stringify({ spec, origin, version: FORMAT_VERSION }))
    .digest('hex')
    .slice(0, 16);
  const path = join(modelCacheDirectory, `${kind}-${key}.gguf`);
  if (existsSync(path)) return path;
  await mkdir(modelCacheDirectory, { recursive: true });
  await writeLlamaModel(path, {
    architecture: spec.architecture,
    shape: spec.shape,
    weightType: spec.weightType,
    seed: spec.seed,
    name: spec.name,
    vocabulary,
    chatTemplate: spec.template === 'chatml' ? CHATML_TEMPLATE : QWEN_TOOLS_TEMPLATE,
  });
  return path;
}
