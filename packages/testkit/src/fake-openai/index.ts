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
export { startFakeOpenAI } from './server';
