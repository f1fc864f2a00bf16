import { PlatformError, type RateCall, type RateGate, type ReplyAddress } from '@switchboard/core';
import { fromAddress, isGroup, type TelegramTarget } from './address';
import { type DraftSupport, draftApplies } from './drafts';
import type { SendContext } from './send';

/**
 * Telegram's {@link RateGate}: the delivery engine's calls wait on the adapter's {@link ChatLimiter} —
 * edits and drafts one at a time per chat, `editIntervalMs` apart; new messages within a group's
 * per-minute budget; nothing to a chat while a 429's `retry_after` holds it. The primitives (`post`,
 * `edit`, `preview`) do not pace: the engine waits here before each call and reports each 429 here. The
 * adapter's own calls (the "Thinking…" draft, recovery's probes) take the same limiter's slots.
 */
export class TelegramRateGate implements RateGate {
  /** Edit slots admitted to the engine and not yet finished, by the address the call answers at. */
  readonly #slots = new Map<ReplyAddress, () => void>();

  constructor(
    private readonly send: Pick<SendContext, 'limiter' | 'replaced' | 'acks'>,
    private readonly drafts: DraftSupport,
  ) {}

  private get limiter() {
    return this.send.limiter;
  }

  async wait(to: ReplyAddress, signal: AbortSignal, call: RateCall): Promise<void> {
    const target = targetOf(to);
    if (target === undefined) return;
    if (call === 'typing') return this.limiter.unblocked(target.chatId, signal);
    if (call === 'post' && !this.#replacesButtonMessage(target))
      return this.limiter.admitSend(target.chatId, isGroup(target.chatType), signal);
    if (call === 'preview') {
      // A preview that will decline makes no call: it takes no edit slot (nor starts an interval).
      await this.send.acks.get(target.chatId);
      if (!draftApplies(this.drafts, target)) return;
    }
    this.#slots.get(to)?.();
    this.#slots.set(to, await this.limiter.admitEdit(target.chatId, signal));
  }

  observe(to: ReplyAddress, error: unknown): void {
    const target = targetOf(to);
    if (target === undefined || !PlatformError.isInstance(error) || error.retryAfterMs === undefined) return;
    this.limiter.hold(target.chatId, error.retryAfterMs);
  }

  finished(to: ReplyAddress): void {
    const release = this.#slots.get(to);
    this.#slots.delete(to);
    release?.();
  }

  #replacesButtonMessage(target: TelegramTarget): boolean {
    return (
      target.editMessageId !== undefined && target.key !== undefined && !this.send.replaced.has(target.key)
    );
  }
}

function targetOf(to: ReplyAddress): TelegramTarget | undefined {
  try {
    return fromAddress(to, 'rateGate');
  } catch {
    return undefined;
  }
}
