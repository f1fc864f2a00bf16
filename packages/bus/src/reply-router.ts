import { type Deferred, deferred, type ReplyPart, type Unsubscribe } from '@switchboard/core';
import type { HandlerErrorContext } from './options';

/** A gateway's reply handler, as {@link Bus.onReplies} takes it. */
export type ReplyHandler = (requestId: string, part: ReplyPart) => Promise<void>;

/** A part waiting for delivery, and the promise its publisher waits on. */
interface QueuedPart {
  readonly part: ReplyPart;
  readonly delivered: Deferred<void>;
}

/** The parts of one request waiting for its owner's handler, and whether a pump is delivering them. */
interface ReplyStream {
  readonly owner: string;
  readonly requestId: string;
  readonly parts: QueuedPart[];
  pump: Promise<void> | undefined;
}

/**
 * The reply half of the memory bus. Each request's parts go to its owner's handler one at a time, in
 * publish order: the next part waits until the handler's promise for the previous one settles. Different
 * requests are delivered independently, so one slow conversation never holds up another.
 *
 * A part whose owner has no handler when its turn comes is dropped: in one process the owner is the
 * gateway that enqueued the event, and with no gateway there is no one to show it to.
 */
export class ReplyRouter {
  readonly #handlers = new Map<string, ReplyHandler>();
  readonly #streams = new Map<string, ReplyStream>();
  readonly #onError: (error: unknown, context: HandlerErrorContext) => void;
  #closed = false;

  constructor(onError: (error: unknown, context: HandlerErrorContext) => void) {
    this.#onError = onError;
  }

  /** Register the handler of `owner`. One per owner: a second is a bug (two gateways with one id), so it throws. */
  subscribe(owner: string, handle: ReplyHandler): Unsubscribe {
    if (this.#closed) return () => {};
    if (this.#handlers.has(owner)) {
      throw new Error(
        `A reply handler for the owner "${owner}" is already registered; owner ids must be unique.`,
      );
    }
    this.#handlers.set(owner, handle);
    return () => {
      if (this.#handlers.get(owner) === handle) this.#handlers.delete(owner);
    };
  }

  /**
   * Queue a part for delivery. Resolves once the owner's handler has settled for it (or it was dropped),
   * which gives publishers backpressure; never rejects. Dropped after {@link close}.
   */
  publish(requestId: string, owner: string, part: ReplyPart): Promise<void> {
    if (this.#closed) return Promise.resolve();
    const key = `${owner}\u0000${requestId}`;
    let stream = this.#streams.get(key);
    if (stream === undefined) {
      stream = { owner, requestId, parts: [], pump: undefined };
      this.#streams.set(key, stream);
    }
    const delivered = deferred<void>();
    stream.parts.push({ part, delivered });
    if (stream.pump === undefined) stream.pump = this.#pump(key, stream);
    return delivered.promise;
  }

  /** Resolves when every part published so far has been delivered (or dropped). */
  async drained(): Promise<void> {
    for (;;) {
      const pumps = [...this.#streams.values()].flatMap((stream) => (stream.pump ? [stream.pump] : []));
      if (pumps.length === 0) return;
      await Promise.allSettled(pumps);
    }
  }

  /** Drop every handler and every part not yet delivered; later publishes are dropped. */
  close(): void {
    this.#closed = true;
    this.#handlers.clear();
    for (const stream of this.#streams.values()) {
      for (const queued of stream.parts.splice(0)) queued.delivered.resolve();
    }
  }

  /** Deliver the stream's parts until none is left, then forget the stream in the same tick. */
  async #pump(key: string, stream: ReplyStream): Promise<void> {
    // Deliver on a later tick, never inside the publisher's call (this also lets `publish` store the pump).
    await Promise.resolve();
    for (let queued = stream.parts.shift(); queued !== undefined; queued = stream.parts.shift()) {
      const handle = this.#handlers.get(stream.owner);
      try {
        if (handle !== undefined) await handle(stream.requestId, queued.part);
      } catch (error) {
        this.#report(error, stream);
      } finally {
        queued.delivered.resolve();
      }
    }
    // No await since the last empty check: a publish from now on starts a new pump.
    stream.pump = undefined;
    this.#streams.delete(key);
  }

  #report(error: unknown, stream: ReplyStream): void {
    try {
      this.#onError(error, { source: 'replies', owner: stream.owner, requestId: stream.requestId });
    } catch {
      // An error reporter that throws must not stop the stream.
    }
  }
}
