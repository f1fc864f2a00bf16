import { createMemoryBus } from '@switchboard/bus';
import {
  type Config,
  type ConversationRef,
  createLogger,
  type InboundEvent,
  type ModelProvider,
  type ModelRef,
  type PriceTable,
  parseCommand,
  type ReplyPart,
  type RoutingSettings,
} from '@switchboard/core';
import type { Store } from '@switchboard/memory';
import { type Agent, createAgent } from './agent';
import { ModelRegistry, type ModelRegistryOptions } from './model-registry';
import { DEFAULT_ROUTING } from './routing/defaults';

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
  /** Every `waitMs` the retry loop slept, in order. */
  readonly sleeps: number[];
  close(): Promise<void>;
}

let sequence = 0;

/** Build an agent over `providers` with routing settings for tests (retries do not really wait). */
export function startAgentHarness(options: {
  store: Store;
  providers: readonly ModelProvider[];
  registry?: ModelRegistryOptions;
  routing?: Partial<RoutingSettings>;
  prices?: PriceTable;
  /** The agent's clock; default `Date.now`. */
  now?: () => number;
}): AgentHarness {
  const bus = createMemoryBus();
  const replies = new Map<string, ReplyPart[]>();
  const sleeps: number[] = [];
  bus.onReplies('local', async (requestId, part) => {
    replies.set(requestId, [...(replies.get(requestId) ?? []), part]);
  });
  const agent = createAgent({
    store: options.store,
    models: new ModelRegistry(options.providers, options.registry ?? {}),
    bus,
    settings: HARNESS_SETTINGS,
    access: HARNESS_ACCESS,
    logger: createLogger({ level: 'silent' }),
    routing: { ...DEFAULT_ROUTING, ...options.routing },
    ...(options.prices ? { prices: options.prices } : {}),
    ...(options.now ? { now: options.now } : {}),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return {
    agent,
    sleeps,
    async say(text, conversation = {}, user = '1') {
      sequence += 1;
      const ref: ConversationRef = {
        platform: 'telegram',
        account: 'bot',
        channel: 'chat',
        direct: true,
        ...conversation,
      };
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
      await agent.handle(event, { attempt: 1, signal: new AbortController().signal });
      return replies.get(event.id) ?? [];
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
