import { join } from 'node:path';
import {
  gguf,
  patchVocabulary,
  readVocabulary,
  syntheticVocabulary,
  type Vocabulary,
  type VocabularyPatch,
  type VocabularyToken,
} from '@switchboard/gguf';
import { llamaCppSource } from './llama-source';

/** Which tokenizer a test model gets. */
export type VocabularyName = 'llama-spm-chatml' | 'qwen2.5';

/** A vocabulary and a string identifying exactly where it came from (part of the cache key). */
export interface ResolvedVocabulary {
  readonly vocabulary: Vocabulary;
  readonly origin: string;
}

/**
 * Qwen2.5's added tokens beyond Qwen2's vocabulary (ids 151646–151664; the vocab-only file has
 * `[PAD…]` there). `<tool_call>` and `</tool_call>` are matched and rendered as text, as in Qwen's
 * tokenizer; the others are control tokens (llama.cpp would force the FIM ones to control anyway, with
 * a warning per token at every load, and so too Qwen2's stray `</s>` at 128247).
 */
const QWEN25_ADDED_TOKENS: readonly VocabularyToken[] = [
  { id: 128247, text: '</s>', type: 'control' },
  ...[
    '<|object_ref_start|>',
    '<|object_ref_end|>',
    '<|box_start|>',
    '<|box_end|>',
    '<|quad_start|>',
    '<|quad_end|>',
    '<|vision_start|>',
    '<|vision_end|>',
    '<|vision_pad|>',
    '<|image_pad|>',
    '<|video_pad|>',
    '<tool_call>',
    '</tool_call>',
    '<|fim_prefix|>',
    '<|fim_middle|>',
    '<|fim_suffix|>',
    '<|fim_pad|>',
    '<|repo_name|>',
    '<|file_sep|>',
  ].map(
    (text, index): VocabularyToken => ({
      id: 151646 + index,
      text,
      type: text.includes('tool_call') ? 'user-defined' : 'control',
    }),
  ),
];

/**
 * The real tokenizer from llama.cpp's vocab-only files (llama's SentencePiece vocabulary plus ChatML's
 * two control tokens; or Qwen2's BPE vocabulary with Qwen2.5's added tokens and `<|im_end|>` as end of
 * turn), or, when the llama.cpp source cannot be checked out, the synthetic vocabulary with a note.
 */
export async function resolveVocabulary(name: VocabularyName): Promise<ResolvedVocabulary> {
  const source = await llamaCppSource();
  if (source === undefined) {
    console.warn(
      `[testkit] The llama.cpp source bundled in node-llama-cpp could not be checked out (is git installed?); ` +
        `test models use the synthetic vocabulary instead of ${name}.`,
    );
    return { vocabulary: syntheticVocabulary(), origin: 'synthetic' };
  }
  const { file, patch } = name === 'llama-spm-chatml' ? LLAMA_SPM_CHATML : QWEN25;
  const vocabulary = patchVocabulary(await readVocabulary(join(source.directory, 'models', file)), patch);
  const origin = JSON.stringify({ file, release: source.release, patch }, (_key, value: unknown) =>
    typeof value === 'bigint' ? value.toString() : value,
  );
  return { vocabulary, origin };
}

/** llama's 32,000-token SentencePiece vocabulary plus ChatML's tokens (32000, 32001 = end of turn). */
const LLAMA_SPM_CHATML = {
  file: 'ggml-vocab-llama-spm.gguf',
  patch: {
    tokens: [
      { text: '<|im_start|>', type: 'control' },
      { text: '<|im_end|>', type: 'control' },
    ],
    set: [{ key: 'tokenizer.ggml.eos_token_id', value: gguf.u32(32001) }],
  },
} as const satisfies { file: string; patch: VocabularyPatch };

/** Qwen2's BPE vocabulary as Qwen2.5-Instruct ships it: added tokens, `<|im_end|>` ends a turn, no BOS. */
const QWEN25 = {
  file: 'ggml-vocab-qwen2.gguf',
  patch: {
    tokens: QWEN25_ADDED_TOKENS,
    set: [
      { key: 'tokenizer.ggml.eos_token_id', value: gguf.u32(151645) },
      { key: 'tokenizer.ggml.add_bos_token', value: gguf.bool(false) },
    ],
  },
} as const satisfies { file: string; patch: VocabularyPatch };
