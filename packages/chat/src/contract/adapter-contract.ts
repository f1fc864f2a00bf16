import type { ChatAdapter, ReplyAddress, ReplyPart } from '@switchboard/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createDeliveryEngine } from '../engine';

/** One conversation on the fake platform, and what a reader sees in it. */
export interface ContractConversation {
  /** Where replies in it go (the reply address the adapter gives its inbound events). */
  readonly address: ReplyAddress;
  /**
   * The texts of the bot's messages it shows now, oldest first, as the fake stores them. A platform
   * whose client reads the reply as a stream (web) resolves once the stream it reads has ended.
   */
  shown(): readonly string[] | Promise<readonly string[]>;
  /** The labels of the choices (buttons, or numbered replies) it shows now. */
  choices(): readonly string[];
  /** How many "typing…" indicators (or, on a platform without them, status lines) it showed. */
  typings(): number;
}

/** An adapter connected to its platform's fake server. */
export interface ContractPlatform {
  readonly adapter: ChatAdapter;
  /** A fresh conversation, sharing nothing with earlier ones. */
  converse(): Promise<ContractConversation>;
  /**
   * Answer the next call that posts a message with a rate limit of `retryAfterMs`. A platform without
   * rate limits (web) holds its reader back that long instead: the reply must wait for a slow client.
   */
  rateLimitNextPost(retryAfterMs: number): void;
  close(): Promise<void>;
}

/** Tuning for slow platforms. */
export interface AdapterContractOptions {
  /** How long one delivery may take. Default 20 s. */
  readonly timeoutMs?: number;
  /**
   * The platform shows a reply as one message of any length, streamed to its client (the web chat):
   * the long-answer test then checks a 100,000-character answer arrives whole in one message instead of
   * split. Default false.
   */
  readonly oneMessage?: boolean;
  /**
   * The platform has no typing indicator; its client shows the reply's status lines instead (the web
   * chat): the typing test delivers a status line through the engine. Default false.
   */
  readonly statusInsteadOfTyping?: boolean;
}

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();
const words = (count: number, word: string) =>
  Array.from({ length: count }, (_, index) => `${word}${index}`).join(' ');
const deltas = (text: string, size: number): ReplyPart[] =>
  Array.from({ length: Math.ceil(text.length / size) }, (_, index) => ({
    type: 'text-delta',
    delta: text.slice(index * size, (index + 1) * size),
  }));
const end = (text: string): ReplyPart => ({ type: 'reply-end', text, meta: {} });

/**
 * Register the contract every chat adapter keeps with the delivery engine, under
 * `describe(\`adapter contract: ${name}\`)`: the engine — the only path from reply parts to platform
 * messages — delivers through the adapter's primitives against the platform's fake server. The final
 * text always arrives, once and in order; long answers are split within the platform's limit; the
 * adapter's typing and buttons reach the platform; a rate-limited post is waited out, not lost; a
 * failed reply ends with the one error line every platform shows. Call it from a test file of each
 * adapter:
 *
 * ```ts
 * adapterContractSuite('telegram', async () => ({ adapter, converse, rateLimitNextPost, close }));
 * ```
 */
export function adapterContractSuite(
  name: string,
  start: () => Promise<ContractPlatform>,
  options: AdapterContractOptions = {},
): void {
  const timeoutMs = options.timeoutMs ?? 20_000;
  describe(`adapter contract: ${name}`, () => {
    let platform: ContractPlatform | undefined;
    afterEach(async () => {
      await platform?.close();
      platform = undefined;
    });

    async function deliver(parts: readonly ReplyPart[], gapMs = 0): Promise<ContractConversation> {
      platform = await start();
      const { adapter } = platform;
      const conversation = await platform.converse();
      const engine = createDeliveryEngine({ adapterFor: () => adapter, retry: { baseDelayMs: 50 } });
      const id = `contract-${Math.random().toString(36).slice(2)}`;
      engine.open(id, conversation.address);
      for (const part of parts) {
        await engine.accept(id, part);
        if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
      }
      await engine.settled(id);
      await engine.close();
      return conversation;
    }

    const shownText = async (conversation: ContractConversation) =>
      squash((await conversation.shown()).join(' '));

    it(
      'delivers the streamed answer: the final text arrives once, in order',
      async () => {
        const answer = words(40, 'alpha');
        const conversation = await deliver(
          [{ type: 'status', text: 'thinking…' }, ...deltas(answer, 25), end(answer)],
          20,
        );
        expect(await shownText(conversation)).toBe(answer);
      },
      timeoutMs,
    );

    it(
      'splits a long answer within the platform limit, every chunk in order',
      async () => {
        const probe = await start();
        const maxLength = probe.adapter.limits.maxLength;
        await probe.close();
        const length = options.oneMessage === true ? 100_000 : maxLength * 2.5;
        const answer = words(Math.ceil(length / 9), 'beta');
        const conversation = await deliver([...deltas(answer, 2000), end(answer)]);
        const shown = await conversation.shown();
        if (options.oneMessage === true) expect(shown).toHaveLength(1);
        else expect(shown.length).toBeGreaterThanOrEqual(3);
        for (const text of shown) expect(text.length).toBeLessThanOrEqual(maxLength);
        expect(squash(shown.join(' '))).toBe(answer);
      },
      timeoutMs,
    );

    it(
      'waits out a rate-limited post and still delivers the whole answer',
      async () => {
        platform = await start();
        const { adapter } = platform;
        const conversation = await platform.converse();
        platform.rateLimitNextPost(1000);
        const engine = createDeliveryEngine({ adapterFor: () => adapter });
        const answer = words(12, 'gamma');
        engine.open('rate-limited', conversation.address);
        await engine.accept('rate-limited', end(answer));
        await engine.settled('rate-limited');
        await engine.close();
        expect(await shownText(conversation)).toBe(answer);
      },
      timeoutMs,
    );

    it(
      'shows typing on the platform',
      async () => {
        if (options.statusInsteadOfTyping === true) {
          const conversation = await deliver([{ type: 'status', text: 'thinking…' }, end('done')]);
          await conversation.shown();
          expect(conversation.typings()).toBeGreaterThanOrEqual(1);
          return;
        }
        platform = await start();
        const conversation = await platform.converse();
        expect(platform.adapter.typing).toBeDefined();
        await platform.adapter.typing?.(conversation.address);
        expect(conversation.typings()).toBeGreaterThanOrEqual(1);
      },
      timeoutMs,
    );

    it(
      'asks for an approval with one choice per option, and the answer still follows',
      async () => {
        const conversation = await deliver([
          { type: 'text-delta', delta: 'Before the question.' },
          {
            type: 'approval-request',
            approvalId: 'contract-1',
            summary: 'Go ahead?',
            choices: ['approve', 'deny'],
          },
          end('Before the question. After it.'),
        ]);
        const choices = conversation.choices().map((choice) => choice.toLowerCase());
        expect(choices).toEqual(
          expect.arrayContaining([expect.stringContaining('approve'), expect.stringContaining('deny')]),
        );
        expect(await shownText(conversation)).toContain('After it.');
      },
      timeoutMs,
    );

    it(
      'ends a failed reply with the one error line every platform shows',
      async () => {
        const conversation = await deliver([
          { type: 'text-delta', delta: 'Partial answer' },
          { type: 'error', code: 'model_failed', message: 'The model stopped.' },
        ]);
        const shown = await shownText(conversation);
        expect(shown.startsWith('Partial answer')).toBe(true);
        expect(shown.endsWith('⚠️ The model stopped.')).toBe(true);
      },
      timeoutMs,
    );
  });
}
