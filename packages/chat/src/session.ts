import {
  AsyncQueue,
  type ChatAdapter,
  deferred,
  isFinalPart,
  type ReplyAddress,
  type ReplyPart,
  type SentMessage,
} from '@switchboard/core';
import type { DeliveryContext } from './context';
import { deliverByEditing } from './edit-delivery';
import { Pacer } from './pacer';
import { deliverWithPreview } from './preview-delivery';
import { ReplyState } from './reply-state';
import { deliverNatively } from './stream-delivery';
import { deliverIntoStream } from './stream-writer-delivery';
import type { DeliveryJournal, DeliveryLogger, DeliverySettings } from './types';
import { deliverWithTyping } from './typing-delivery';

/** What a session needs from the engine. */
export interface SessionOptions {
  readonly requestId: string;
  readonly address: ReplyAddress;
  /** Undefined when no adapter serves the platform: parts are received and dropped. */
  readonly adapter: ChatAdapter | undefined;
  readonly settings: DeliverySettings;
  readonly logger: DeliveryLogger;
  readonly journal: DeliveryJournal;
  /** Messages an earlier process posted for this reply (see `DeliveryEngine.open`). */
  readonly resumed: readonly SentMessage[];
  /** Called once, when the delivery has finished or was discarded. */
  readonly onFinished: () => void;
}

/**
 * One request's delivery. Parts are applied to its {@link ReplyState} as they arrive; from the first part
 * on, the session's own loop (native stream, stream writer, preview, post+edit, or typing) makes the platform calls, so a slow or
 * rate-limited platform holds up this request only.
 */
export class DeliverySession {
  readonly state = new ReplyState();
  readonly #options: SessionOptions;
  readonly #done = deferred<void>();
  readonly #abort = new AbortController();
  #opens = 1;
  #started = false;
  #finished = false;
  #queue: AsyncQueue<ReplyPart> | undefined;

  constructor(options: SessionOptions) {
    this.#options = options;
  }

  /** True once a part has arrived (the delivery loop runs). */
  get started(): boolean {
    return this.#started;
  }

  /** True once the final part has arrived. */
  get ended(): boolean {
    return this.state.end !== undefined;
  }

  /** Resolves when the delivery has finished; never rejects. */
  get done(): Promise<void> {
    return this.#done.promise;
  }

  /** The request was opened once more (a redelivered event). */
  reopen(): void {
    this.#opens += 1;
  }

  /** Undo one open; a session no open holds and no part has reached is finished at once. */
  release(): void {
    this.#opens -= 1;
    if (this.#opens <= 0 && !this.#started) this.#finish();
  }

  /** Apply the next part; false when the reply had already ended. Starts the loop at the first part. */
  receive(part: ReplyPart): boolean {
    if (this.#finished || !this.state.apply(part)) return false;
    if (!this.#started) {
      this.#started = true;
      const native = this.#options.adapter?.stream !== undefined && this.#options.resumed.length === 0;
      if (native) this.#queue = new AsyncQueue<ReplyPart>();
      this.#queue?.push(part);
      if (isFinalPart(part)) this.#queue?.close();
      void this.#run();
      return true;
    }
    this.#queue?.push(part);
    if (isFinalPart(part)) this.#queue?.close();
    return true;
  }

  /** Stop every wait and pending call of this delivery. */
  abort(reason: unknown): void {
    this.#abort.abort(reason);
    this.#queue?.close();
  }

  async #run(): Promise<void> {
    const { adapter, requestId, logger } = this.#options;
    const signal = this.#abort.signal;
    try {
      if (adapter === undefined) {
        while (this.state.end === undefined) await this.state.changed(signal);
        return;
      }
      const context: DeliveryContext = {
        requestId,
        address: this.#options.address,
        adapter,
        state: this.state,
        pacer: new Pacer(adapter.limits.minEditIntervalMs),
        signal,
        logger,
        settings: this.#options.settings,
        journal: this.#options.journal,
        resumed: this.#options.resumed,
      };
      let delivered = false;
      if (this.#queue !== undefined) {
        delivered = await deliverNatively(context, this.#queue);
        this.#queue = undefined;
      }
      const fresh = this.#options.resumed.length === 0;
      if (!delivered && adapter.streamWriter !== undefined && fresh)
        delivered = await deliverIntoStream(context, adapter.streamWriter);
      if (!delivered && adapter.preview !== undefined && fresh) delivered = await deliverWithPreview(context);
      if (!delivered) {
        if (adapter.limits.canEdit) await deliverByEditing(context);
        else await deliverWithTyping(context);
      }
      if (this.state.end !== undefined) this.#options.journal.delivered(requestId);
    } catch (error) {
      const fields = {
        requestId,
        platform: this.#options.address.platform,
        error: error instanceof Error ? error.message : String(error),
      };
      if (signal.aborted) logger.warn(fields, 'delivery aborted before it finished');
      else logger.error(fields, 'delivery failed');
    } finally {
      this.#finish();
    }
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#queue?.close();
    this.#done.resolve();
    this.#options.onFinished();
  }
}
