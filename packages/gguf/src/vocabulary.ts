import { GgufError } from './errors';
import { type ReadGgufOptions, readGgufHeader } from './reader';
import { findValue, type GgufKeyValue, type GgufValue, gguf } from './values';

/** llama.cpp's token types (`tokenizer.ggml.token_type`). */
export const TOKEN_TYPES = {
  normal: 1,
  unknown: 2,
  /** Special tokens the tokenizer only matches when asked to (`<|im_start|>`); never rendered as text. */
  control: 3,
  /** Added tokens matched and rendered as plain text (Qwen's `<tool_call>`). */
  'user-defined': 4,
  unused: 5,
  /** `<0xAB>` byte-fallback tokens. */
  byte: 6,
} as const;

/** A token type's name. */
export type TokenType = keyof typeof TOKEN_TYPES;

/** A tokenizer, as the `tokenizer.*` metadata entries of a GGUF file. */
export interface Vocabulary {
  /** The `tokenizer.*` entries in file order (`tokenizer.ggml.tokens`, `…scores`, `…token_type`, …). */
  readonly metadata: readonly GgufKeyValue[];
  /** Number of tokens: the number of rows of the model's embedding matrix. */
  readonly size: number;
}

/** A token to put into a vocabulary: at `id` (replacing the token there) or, without `id`, appended. */
export interface VocabularyToken {
  readonly id?: number;
  readonly text: string;
  readonly type: TokenType;
}

/** Changes to make with {@link patchVocabulary}. */
export interface VocabularyPatch {
  readonly tokens?: readonly VocabularyToken[];
  /** Entries to set (replacing a key of the same name), e.g. `tokenizer.ggml.eos_token_id`. */
  readonly set?: readonly GgufKeyValue[];
}

/** Copies the tokenizer of an existing GGUF file (a full model or one of llama.cpp's vocab-only files). */
export async function readVocabulary(ggufPath: string, options: ReadGgufOptions = {}): Promise<Vocabulary> {
  const header = await readGgufHeader(ggufPath, options);
  return vocabularyFromMetadata(
    header.metadata.filter((entry) => entry.key.startsWith('tokenizer.')),
    ggufPath,
  );
}

/** Builds a vocabulary from `tokenizer.*` entries, checking that the token list is present. */
export function vocabularyFromMetadata(
  metadata: readonly GgufKeyValue[],
  source = 'the vocabulary',
): Vocabulary {
  const tokens = findValue(metadata, 'tokenizer.ggml.tokens');
  if (tokens?.type !== 'array' || tokens.itemType !== 'string' || tokens.values.length === 0) {
    throw new GgufError('gguf_invalid', `${source} has no tokenizer.ggml.tokens list.`);
  }
  return { metadata, size: tokens.values.length };
}

/** A copy of `vocabulary` with tokens replaced or appended and entries set. */
export function patchVocabulary(vocabulary: Vocabulary, patch: VocabularyPatch): Vocabulary {
  const tokens = [...stringArray(vocabulary, 'tokenizer.ggml.tokens')];
  const types = [...numberArray(vocabulary, 'tokenizer.ggml.token_type')];
  const scoresValue = findValue(vocabulary.metadata, 'tokenizer.ggml.scores');
  const scores = scoresValue ? [...numberArray(vocabulary, 'tokenizer.ggml.scores')] : undefined;
  for (const token of patch.tokens ?? []) {
    const id = token.id ?? tokens.length;
    if (id > tokens.length) {
      throw new GgufError(
        'gguf_bad_options',
        `Token id ${id} is past the end of a ${tokens.length}-token vocabulary.`,
      );
    }
    tokens[id] = token.text;
    types[id] = TOKEN_TYPES[token.type];
    if (scores) scores[id] = scores[id] ?? 0;
  }
  const replacements = new Map<string, GgufValue>([
    ['tokenizer.ggml.tokens', gguf.strings(tokens)],
    ['tokenizer.ggml.token_type', gguf.numbers('i32', types)],
  ]);
  if (scores) replacements.set('tokenizer.ggml.scores', gguf.numbers('f32', scores));
  for (const entry of patch.set ?? []) replacements.set(entry.key, entry.value);
  const metadata = vocabulary.metadata.map((entry) => {
    const value = replacements.get(entry.key);
    if (value === undefined) return entry;
    replacements.delete(entry.key);
    return { key: entry.key, value };
  });
  for (const [key, value] of replacements) metadata.push({ key, value });
  return { metadata, size: tokens.length };
}

/** The id of the token whose text is `text`, or undefined. */
export function tokenId(vocabulary: Vocabulary, text: string): number | undefined {
  const index = stringArray(vocabulary, 'tokenizer.ggml.tokens').indexOf(text);
  return index === -1 ? undefined : index;
}

function stringArray(vocabulary: Vocabulary, key: string): readonly string[] {
  const value = findValue(vocabulary.metadata, key);
  if (value?.type !== 'array' || value.itemType !== 'string') {
    throw new GgufError('gguf_invalid', `The vocabulary has no ${key} string list.`);
  }
  return value.values;
}

function numberArray(vocabulary: Vocabulary, key: string): readonly number[] {
  const value = findValue(vocabulary.metadata, key);
  if (value?.type !== 'array' || value.itemType === 'string' || value.itemType === 'bool') {
    throw new GgufError('gguf_invalid', `The vocabulary has no ${key} number list.`);
  }
  return value.values.map(Number);
}
