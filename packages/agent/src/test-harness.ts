import { createMemoryBus } from '@switchboard/bus';
import {
  type ActionInvocation,
  type Config,
  type ControlMessage,
  type ConversationRef,
  createLogger,
  type Embedder,
  type InboundEvent,
  type MemorySettings,
  type ModelProvider,
  type ModelRef,
  type PriceTable,
  parseCommand,
  type ReplyPart,
  type RoutingSettings,
} from '@switchboard/core';
import type { Store } from '@switchboard/memory';
import { createOpenAIProvider } from '@switchboard/provider-openai';
import { type Agent, createAgent } from './agent';
import type { Scheduler } from './memory/quiet-timers';
import { ModelRegistry, type ModelRegistryOptions } from './model-registry';
import { DEFAULT_ROUTING } from './routing/defaults';
import type { BackgroundTiming } from './tasks/background';
import type { ToolDependencies } from './tools/tool-services';

/** The owner every harness event comes from. */
export const HARNESS_ACCESS: Config['access'] = {
  owners: ['telegram:1'],
  allow: {
    telegram: { users: ['2'], chats: [], roles: [] },
    slack: { users: [], chats: [], roles: [] },
    discord: { users: [], chats: [], roles: ['mods'] },
    whatsapp: { users: [], chats: [], roles: [] },
    web: { users: [], chats: [], roles: [] },
  },
};

/** Agent settings for tests. */
export const HARNESS_SETTINGS: Config['agent'] = {
  systemPrompt: 'You are a test.',
  memoryTokens: 3000,
  maxOutputTokens: 256,
  concurrency: 4,
  queueLimit: 100,
};

/** An agent on a real store and the in-memory bus, that returns each request's reply parts. */
export interface AgentHarness {
  readonly agent: Agent;
  /** Handle a typed line as the owner in `conversation` (default: a direct chat) and return its parts. */
  say(text: string, conversation?: Partial<ConversationRef>, user?: string): Promise<ReplyPart[]>;
  /** Press a button as `user` (default: the owner) and return the parts of the answer. */
  press(
    action: ActionInvocation,
    options?: {
      user?: string;
      roles?: string[];
      admin?: boolean;
      conversation?: Partial<ConversationRef>;
    },
  ): Promise<ReplyPart[]>;
  /** Every control message published on the bus (cancellations, approval decisions), in order. */
  readonly controls: ControlMessage[];
  /** Every `waitMs` the retry loop slept, in order. */
  readonly sleeps: number[];
  /** The first reply part of any request so far that `match` accepts, waiting for it to come. */
  waitForPart(match: (part: ReplyPart) => boolean, timeoutMs?: number): Promise<ReplyPart>;
  /** Every reply part so far, request by request in the order the requests came. */
  parts(): ReplyPart[];
  /** The reply parts of one request so far. */
  partsOf(requestId: string): ReplyPart[];
  close(): Promise<void>;
}

let sequence = 0;

/** A cloud model `openai:gpt-test` served by a scripted OpenAI fake at `url` (a testkit fake), for tests. */
export function scriptedOpenAI(url: string): ModelProvider {
  return createOpenAIProvider({
    apiKey: 'sk-test',
    baseURL: url,
    models: ['gpt-test'],
    locality: 'cloud',
    timeoutMs: 10_000,
  });
}

/** Build an agent over `providers` with routing settings for tests (retries do not really wait). */
export function startAgentHarness(options: {
  store: Store;
  providers: readonly ModelProvider[];
  registry?: ModelRegistryOptions;
  routing?: Partial<RoutingSettings>;
  prices?: PriceTable;
  /** The agent's clock; default `Date.now`. */
  now?: () => number;
  /** The agent's timers; default real ones. */
  schedule?: Scheduler;
  /** Who may command it; default {@link HARNESS_ACCESS}. */
  access?: Config['access'];
  /** Agent settings; default {@link HARNESS_SETTINGS}. */
  settings?: Config['agent'];
  /** Long-term memory settings and embedder. */
  memory?: MemorySettings;
  embedder?: Embedder;
  /** Tools to offer the model. */
  tools?: ToolDependencies;
  /** When tasks go on in the background; default 20 s and 60 s. */
  taskTiming?: Partial<BackgroundTiming>;
}): AgentHarness {
  const bus = createMemoryBus();
  const replies = new Map<string, ReplyPart[]>();
  const sleeps: number[] = [];
  const controls: ControlMessage[] = [];
  let agentRef: Agent | undefined;
  bus.onControl((message) => {
    controls.push(message);
    agentRef?.control(message);
  });
  bus.onReplies('local', async (requestId, part) => {
    replies.set(requestId, [...(replies.get(requestId) ?? []), part]);
  });
  const agent = createAgent({
    store: options.store,
    models: new ModelRegistry(options.providers, options.registry ?? {}),
    bus,
    settings: options.settings ?? HARNESS_SETTINGS,
    access: options.access ?? HARNESS_ACCESS,
    ...(options.memory ? { memory: options.memory } : {}),
    ...(options.embedder ? { embedder: options.embedder } : {}),
    logger: createLogger({ level: 'silent' }),
    routing: { ...DEFAULT_ROUTING, ...options.routing },
    ...(options.prices ? { prices: options.prices } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.schedule ? { schedule: options.schedule } : {}),
    ...(options.tools ? { tools: options.tools } : {}),
    ...(options.taskTiming ? { taskTiming: options.taskTiming } : {}),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  agentRef = agent;
  const conversationRef = (conversation: Partial<ConversationRef>): ConversationRef => ({
    platform: 'telegram',
    account: 'bot',
    channel: 'chat',
    direct: true,
    ...conversation,
  });
  const handle = async (event: InboundEvent): Promise<ReplyPart[]> => {
    await agent.handle(event, { attempt: 1, signal: new AbortController().signal });
    return replies.get(event.id) ?? [];
  };
  return {
    agent,
    sleeps,
    controls,
    async say(text, conversation = {}, user = '1') {
      sequence += 1;
      const ref = conversationRef(conversation);
      const command = parseCommand(text, { direct: ref.direct });
      const event: InboundEvent = {
        id: `harness:${process.pid}:${sequence}`,
        kind: text.startsWith('/') ? 'command' : 'message',
        conversation: ref,
        author: { platformUserId: user, displayName: 'Owner' },
        text,
        ...(command ? { command } : {}),
        reply: { platform: ref.platform, data: {} },
        receivedAt: new Date().toISOString(),
      };
      return handle(event);
    },
    async press(action, { user = '1', roles, admin, conversation = {} } = {}) {
      sequence += 1;
      const ref = conversationRef(conversation);
      return handle({
        id: `harness:${process.pid}:${sequence}`,
        kind: 'action',
        conversation: ref,
        author: {
          platformUserId: user,
          displayName: `User ${user}`,
          ...(roles ? { roles } : {}),
          ...(admin ? { admin } : {}),
        },
        text: '',
        action,
        reply: { platform: ref.platform, data: {} },
        receivedAt: new Date().toISOString(),
      });
    },
    async waitForPart(match, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        for (const parts of replies.values()) {
          const found = parts.find(match);
          if (found !== undefined) return found;
        }
        if (Date.now() > deadline) throw new Error('the part the test waited for never came');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    parts() {
      return [...replies.values()].flat();
    },
    partsOf(requestId) {
      return replies.get(requestId) ?? [];
    },
    async close() {
      agent.close();
      await bus.close();
    },
  };
}

/** A configured provider whose models must never be called (commands that only read and write the store). */
export function idleProvider(name: string, locality: 'local' | 'cloud', models: string[]): ModelProvider {
  return {
    name,
    locality,
    models: models.map((model) => ({
      ref: `${name}:${model}` as ModelRef,
      locality,
      stream: () => {
        throw new Error(`${name}:${model} was called, but this test's commands never reach a model`);
      },
    })),
    check: async () => ({ ok: true, detail: 'ok' }),
  };
}
