export type * from '../fake-model/types';
export type {
  Behaviour,
  EchoBehaviour,
  FakeOpenAI,
  FakeOpenAIOptions,
  FakeToolCall,
  FakeUsage,
  TextBehaviour,
  ToolCallsBehaviour,
} from './behaviours';
export { FAKE_EMBEDDING_DIMENSIONS, wordHashEmbedding } from './embedding';
export {
  findMarker,
  type IntegerRange,
  isMarker,
  MARKER_PATTERN,
  type MarkedAnswer,
  type MarkedBehaviour,
  type MarkedProgress,
  markedAnswer,
  markedProgress,
} from './marked';
export { startFakeOpenAI } from './server';
