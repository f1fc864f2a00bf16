import { createMemoryBus } from '@switchboard/bus';
import { type Bus, createLogger, type InboundEvent, type ReplyPart } from '@switchboard/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INTERNAL_ERROR_MESSAGE, replyChannel } from '../replies';
import type { AgentServices } from '../services';
import { compose, type Middleware } from './compose';
import type { EventContext } from './context';
import { errorBoundary } from './error-boundary';

const INTERNAL: ReplyPart = { type: 'error', code: 'internal', message: INTERNAL_ERROR_MESSAGE };
const logger = createLogger({ level: 'silent' });
let sequence = 0;

describe('the error boundary', () => {
  let bus: Bus;
  let parts: Map<string, ReplyPart[]>;

  beforeEach(() => {
    bus = createMemoryBus();
    parts = new Map();
    bus.onReplies('local', async (requestId, part) => {
      parts.set(requestId, [...(parts.get(requestId) ?? []), part]);
    });
  });
  afterEach(() => bus.close());

  /** Run `handler` behind the boundary for a fresh event; return the parts the user got. */
  async function run(handler: Middleware<EventContext>): Promise<ReplyPart[]> {
    sequence += 1;
    const event: InboundEvent = {
      id: `boundary:${sequence}`,
      kind: 'command',
      conversation: { platform: 'web', account: 'local', channel: 'c', direct: true },
      author: { platformUserId: 'owner', displayName: 'Owner' },
      text: '/ask hi',
      reply: { platform: 'web', data: {} },
      receivedAt: new Date().toISOString(),
    };
    const context: EventContext = {
      event,
      job: { attempt: 1, signal: new AbortController().signal },
      reply: replyChannel(bus, event, logger),
      services: {} as AgentServices,
      log: logger,
    };
    await compose([errorBoundary, handler])(context, async () => {});
    return parts.get(event.id) ?? [];
  }

  it('turns a thrown error into one internal error part, and resolves', async () => {
    expect(
      await run(async (context) => {
        await context.reply.send({ type: 'status', text: 'working…' });
        throw new Error('the database went away');
      }),
    ).toEqual([{ type: 'status', text: 'working…' }, INTERNAL]);
  });

  it('sends nothing more when the final part went out before the error', async () => {
    const end: ReplyPart = { type: 'reply-end', text: 'done', meta: {} };
    expect(
      await run(async (context) => {
        await context.reply.send(end);
        throw new Error('failed while cleaning up');
      }),
    ).toEqual([end]);
  });

  it('answers a request that ended without a final part', async () => {
    expect(await run(async () => {})).toEqual([INTERNAL]);
  });

  it('stays silent when the request was left to another delivery of its event', async () => {
    expect(await run(async (context) => context.reply.leaveUnanswered('duplicate'))).toEqual([]);
  });

  it('drops a second final part, so the user gets exactly one', async () => {
    const first: ReplyPart = { type: 'error', code: 'empty_question', message: 'Ask me something.' };
    expect(
      await run(async (context) => {
        await context.reply.send(first);
        await context.reply.send({ type: 'reply-end', text: 'again', meta: {} });
      }),
    ).toEqual([first]);
  });

  it('catches a middleware that calls next twice', async () => {
    const twice: Middleware<EventContext> = async (context, next) => {
      await next();
      await next();
      await context.reply.send({ type: 'reply-end', text: 'never', meta: {} });
    };
    expect(await run(twice)).toEqual([INTERNAL]);
  });
});
