export {
  DEMO_MODEL_FILE,
  DEMO_MODEL_NAME,
  DEMO_MODEL_STAMP_KEY,
  DEMO_MODEL_VERSION,
  type DemoModel,
  demoModelOptions,
  ensureDemoModel,
  isCurrentDemoModel,
} from './demo-model';
export { GgufError } from './errors';
export {
  type LlamaArchitecture,
  type LlamaModelOptions,
  type LlamaModelShape,
  llamaMetadata,
  llamaTensors,
  writeLlamaModel,
} from './llama-model';
export {
  type GgufHeader,
  type GgufTensorInfo,
  parseGgufHeader,
  type ReadGgufOptions,
  readGgufHeader,
} from './reader';
export { SYNTHETIC_SPECIAL_TOKENS, syntheticVocabulary } from './synthetic-vocabulary';
export { CHATML_TEMPLATE, QWEN_TOOLS_TEMPLATE } from './templates';
export { encodeTensor, type TensorFill, type TensorSpec } from './tensor-data';
export {
  elementCount,
  Q8_0_BLOCK_BYTES,
  Q8_0_BLOCK_ELEMENTS,
  TENSOR_TYPE_CODES,
  type TensorType,
  tensorByteSize,
} from './tensor-types';
export {
  findValue,
  type GgufArray,
  type GgufBigIntType,
  type GgufItemType,
  type GgufKeyValue,
  type GgufNumberType,
  type GgufValue,
  gguf,
} from './values';
export {
  patchVocabulary,
  readVocabulary,
  TOKEN_TYPES,
  type TokenType,
  tokenId,
  type Vocabulary,
  type VocabularyPatch,
  type VocabularyToken,
  vocabularyFromMetadata,
} from './vocabulary';
export { type GgufContents, type WriteGgufOptions, writeGguf } from './writer';
