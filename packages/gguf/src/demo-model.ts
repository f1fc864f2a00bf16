import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type LlamaModelOptions, writeLlamaModel } from './llama-model';
import { readGgufHeader } from './reader';
import { syntheticVocabulary } from './synthetic-vocabulary';
import { QWEN_TOOLS_TEMPLATE } from './templates';
import { tensorByteSize } from './tensor-types';
import { findValue, gguf } from './values';

/** The demo model's file name inside the directory given to {@link ensureDemoModel}. */
export const DEMO_MODEL_FILE = 'switchboard-demo.gguf';
/** The demo model's `general.name`. */
export const DEMO_MODEL_NAME = 'Switchboard demo (random weights)';
/** Metadata key holding {@link DEMO_MODEL_VERSION}; a file without the current version is rewritten. */
export const DEMO_MODEL_STAMP_KEY = 'switchboard.demo.version';
/** Bumped whenever the demo model's bytes change. */
export const DEMO_MODEL_VERSION = 1;

/** What {@link ensureDemoModel} did. */
export interface DemoModel {
  readonly path: string;
  /** True when the file was (re)written now, false when a complete current one was already there. */
  readonly created: boolean;
}

/**
 * The options the demo model is written with: qwen2 architecture (so node-llama-cpp picks its Qwen
 * chat wrapper, with function calling), 64-d × 2 layers, Q8_0, the synthetic vocabulary, the Qwen
 * tools template, a fixed seed. About 0.5 MB, written in a few milliseconds.
 */
export function demoModelOptions(): LlamaModelOptions {
  return {
    architecture: 'qwen2',
    shape: {
      embeddingLength: 64,
      blockCount: 2,
      headCount: 4,
      headCountKv: 2,
      feedForwardLength: 192,
      contextLength: 4096,
      tiedEmbeddings: true,
    },
    weightType: 'q8_0',
    seed: 20_240_601,
    name: DEMO_MODEL_NAME,
    vocabulary: syntheticVocabulary(),
    chatTemplate: QWEN_TOOLS_TEMPLATE,
    extraMetadata: [{ key: DEMO_MODEL_STAMP_KEY, value: gguf.u32(DEMO_MODEL_VERSION) }],
    durable: true,
  };
}

/**
 * Makes sure `<dir>/switchboard-demo.gguf` exists and is complete: the tiny random-weight model the box
 * runs when no other model is configured. Needs no network, git or Python. A file that is truncated,
 * damaged or from another version is replaced. Writes are atomic (temporary file, then rename), so two
 * processes racing both end up with the same complete file.
 */
export async function ensureDemoModel(dir: string): Promise<DemoModel> {
  const path = join(dir, DEMO_MODEL_FILE);
  if (await isCurrentDemoModel(path)) return { path, created: false };
  await mkdir(dir, { recursive: true });
  await writeLlamaModel(path, demoModelOptions());
  return { path, created: true };
}

/** True when `path` is a complete demo model of the current version. */
export async function isCurrentDemoModel(path: string): Promise<boolean> {
  try {
    const header = await readGgufHeader(path);
    const stamp = findValue(header.metadata, DEMO_MODEL_STAMP_KEY);
    if (stamp?.type !== 'u32' || stamp.value !== DEMO_MODEL_VERSION) return false;
    const last = header.tensors.at(-1);
    if (last?.type === undefined) return false;
    const expectedSize = header.dataOffset + last.offset + tensorByteSize(last.type, last.shape);
    return (await stat(path)).size === expectedSize;
  } catch {
    return false;
  }
}
