export type * from '../fake-model/types';
export type {
  Behaviour,
  EchoBehaviour,
  ErrorEventBehaviour,
  FakeAnthropic,
  FakeAnthropicOptions,
  FakeAnthropicUsage,
  FakeToolUse,
  TextBehaviour,
  ToolCallsBehaviour,
} from './behaviours';
export { startFakeAnthropic } from './server';
