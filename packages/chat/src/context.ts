import type { ChatAdapter, ReplyAddress, SentMessage } from '@switchboard/core';
import type { Pacer } from './pacer';
import type { ReplyState } from './reply-state';
import type { DeliveryJournal, DeliveryLogger, DeliverySettings } from './types';

/** Everything one request's delivery loop works with. */
export interface DeliveryContext {
  readonly requestId: string;
  readonly address: ReplyAddress;
  readonly adapter: ChatAdapter;
  readonly state: ReplyState;
  readonly pacer: Pacer;
  /** Aborted when the engine gives up on the delivery (close timeout). */
  readonly signal: AbortSignal;
  readonly logger: DeliveryLogger;
  readonly settings: DeliverySettings;
  /** Where posts are recorded (the outbox). */
  readonly journal: DeliveryJournal;
  /** Messages an earlier process posted for this reply, to edit rather than post again. */
  readonly resumed: readonly SentMessage[];
}

/** A journal that records nothing. */
export const NO_JOURNAL: DeliveryJournal = { sent() {}, delivered() {} };

/** The fields every log line about a delivery carries (never the message text). */
export function logFields(context: DeliveryContext, extra: object = {}): object {
  return { requestId: context.requestId, platform: context.adapter.platform, ...extra };
}
