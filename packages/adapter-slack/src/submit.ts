import {
  describeError,
  type EventSink,
  type InboundEvent,
  type Logger,
  type SinkResult,
} from '@switchboard/core';
import { BoundedMap } from './lru';

/** What became of handing an event to the sink, as far as the acknowledgement needs to know. */
export type Submission =
  | { readonly kind: 'done'; readonly result: SinkResult }
  /** The sink had not answered by the deadline: acknowledge anyway; the hand-off goes on. */
  | { readonly kind: 'late' }
  /** The sink failed: nothing was enqueued, so Slack should deliver the event again. */
  | { readonly kind: 'failed'; readonly error: unknown };

/** How long the sink may take before the request is acknowledged regardless (Slack allows 3 s). */
export const SINK_DEADLINE_MS = 2_000;

/**
 * Hands events to the sink once per id. Slack redelivers (`X-Slack-Retry-Num`, Socket Mode
 * `retry_attempt`) when an acknowledgement was slow or lost; a redelivery that arrives while the first is
 * still being handed off, or after it was accepted, joins it instead of calling the sink again, so it
 * neither opens a second delivery nor makes a second task. A failed hand-off is forgotten so a later
 * redelivery can try again. The bus deduplicates too; this layer keeps repeats off the bus entirely.
 */
export class Submitter {
  readonly #recent = new BoundedMap<string, Promise<SinkResult>>(10_000);
  #sink: EventSink | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly deadlineMs: number = SINK_DEADLINE_MS,
  ) {}

  attach(sink: EventSink | undefined): void {
    this.#sink = sink;
  }

  get attached(): boolean {
    return this.#sink !== undefined;
  }

  async submit(event: InboundEvent): Promise<Submission> {
    const sink = this.#sink;
    if (sink === undefined) return { kind: 'failed', error: new Error('the Slack adapter is not started') };
    let pending = this.#recent.get(event.id);
    const repeat = pending !== undefined;
    if (pending === undefined) {
      pending = Promise.resolve().then(() => sink(event));
      const own = pending;
      this.#recent.set(event.id, own);
      own.catch(() => {
        if (this.#recent.get(event.id) === own) this.#recent.delete(event.id);
      });
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<Submission>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'late' }), this.deadlineMs);
    });
    const handed = pending.then(
      (result): Submission => ({ kind: 'done', result: repeat ? { status: 'duplicate' } : result }),
      (error: unknown): Submission => ({ kind: 'failed', error }),
    );
    const outcome = await Promise.race([handed, late]);
    clearTimeout(timer);
    if (outcome.kind === 'late') {
      this.logger.warn(
        { eventId: event.id },
        'the bus took over 2 s to take a Slack request; acknowledged it anyway',
      );
      void handed.then((final) => {
        if (final.kind === 'failed')
          this.logger.error(
            { eventId: event.id, err: describeError(final.error) },
            'a Slack request was lost after its acknowledgement',
          );
      });
    } else if (outcome.kind === 'failed') {
      this.logger.error(
        { eventId: event.id, err: describeError(outcome.error) },
        'could not hand a Slack request to the bus',
      );
    } else if (repeat) {
      this.logger.info({ eventId: event.id }, 'Slack redelivered a request; the first delivery stands');
    }
    return outcome;
  }
}
