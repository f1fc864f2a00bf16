import { COMMON_WORDS } from './common-words';
import { gguf } from './values';
import { TOKEN_TYPES, type TokenType, type Vocabulary } from './vocabulary';

/** SentencePiece's marker for a space. */
const SPACE = '\u2581';

/** Special tokens of the synthetic vocabulary, by name. */
export const SYNTHETIC_SPECIAL_TOKENS = {
  unknown: '<unk>',
  begin: '<s>',
  end: '</s>',
  imStart: '<|im_start|>',
  imEnd: '<|im_end|>',
  toolCallStart: '<tool_call>',
  toolCallEnd: '</tool_call>',
} as const;

/**
 * A self-contained SentencePiece-style vocabulary (`tokenizer.ggml.model = llama`): `<unk>`, `<s>`,
 * `</s>`, 256 byte-fallback tokens, the chat tokens `<|im_start|>`/`<|im_end|>` (control) and
 * `<tool_call>`/`</tool_call>` (plain-text added tokens, as in Qwen), printable ASCII, and a few
 * thousand English word pieces (`▁the`, `▁wor`, …) whose scores rank common words first. Any UTF-8
 * text tokenizes (unknown characters fall back to bytes) and detokenizes back exactly: no space is
 * added in front of the text. End of turn (`eos`) is `<|im_end|>`.
 */
export function syntheticVocabulary(): Vocabulary {
  const tokens: string[] = [];
  const types: number[] = [];
  const scores: number[] = [];
  const seen = new Set<string>();
  const add = (text: string, type: TokenType, score = 0) => {
    if (seen.has(text)) return;
    seen.add(text);
    tokens.push(text);
    types.push(TOKEN_TYPES[type]);
    scores.push(score);
  };
  add(SYNTHETIC_SPECIAL_TOKENS.unknown, 'unknown');
  add(SYNTHETIC_SPECIAL_TOKENS.begin, 'control');
  add(SYNTHETIC_SPECIAL_TOKENS.end, 'control');
  for (let byte = 0; byte < 256; byte++) {
    add(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`, 'byte');
  }
  add(SYNTHETIC_SPECIAL_TOKENS.imStart, 'control');
  add(SYNTHETIC_SPECIAL_TOKENS.imEnd, 'control');
  add(SYNTHETIC_SPECIAL_TOKENS.toolCallStart, 'user-defined');
  add(SYNTHETIC_SPECIAL_TOKENS.toolCallEnd, 'user-defined');
  add(SPACE, 'normal', -1);
  for (let code = 0x21; code < 0x7f; code++) add(String.fromCharCode(code), 'normal', -1);
  let rank = 0;
  for (const piece of wordPieces()) add(piece, 'normal', -2 - rank++);
  const id = (text: string) => tokens.indexOf(text);
  return {
    size: tokens.length,
    metadata: [
      { key: 'tokenizer.ggml.model', value: gguf.string('llama') },
      { key: 'tokenizer.ggml.pre', value: gguf.string('default') },
      { key: 'tokenizer.ggml.tokens', value: gguf.strings(tokens) },
      { key: 'tokenizer.ggml.scores', value: gguf.numbers('f32', scores) },
      { key: 'tokenizer.ggml.token_type', value: gguf.numbers('i32', types) },
      { key: 'tokenizer.ggml.bos_token_id', value: gguf.u32(id(SYNTHETIC_SPECIAL_TOKENS.begin)) },
      { key: 'tokenizer.ggml.eos_token_id', value: gguf.u32(id(SYNTHETIC_SPECIAL_TOKENS.imEnd)) },
      { key: 'tokenizer.ggml.unknown_token_id', value: gguf.u32(id(SYNTHETIC_SPECIAL_TOKENS.unknown)) },
      { key: 'tokenizer.ggml.padding_token_id', value: gguf.u32(id(SYNTHETIC_SPECIAL_TOKENS.end)) },
      { key: 'tokenizer.ggml.add_bos_token', value: gguf.bool(false) },
      { key: 'tokenizer.ggml.add_eos_token', value: gguf.bool(false) },
      { key: 'tokenizer.ggml.add_space_prefix', value: gguf.bool(false) },
    ],
  };
}

/**
 * Word pieces, most useful first: each word with a leading space marker, bare and capitalized, and
 * every prefix of each (SentencePiece merges two neighbouring pieces at a time, so a word is only
 * reachable when its prefixes are pieces too).
 */
function wordPieces(): string[] {
  const words = [...new Set(COMMON_WORDS.split(/\s+/).filter((word) => word.length > 0))];
  const pieces: string[] = [];
  const forms = (word: string) => [
    `${SPACE}${word}`,
    word,
    `${SPACE}${word[0]?.toUpperCase()}${word.slice(1)}`,
  ];
  for (const word of words) {
    for (const form of forms(word)) {
      for (let length = 2; length <= form.length; length++) pieces.push(form.slice(0, length));
    }
  }
  return pieces;
}
