import type { JetStreamClient } from '@nats-io/jetstream';
import { nuid } from '@nats-io/transport-node';
import type { Logger, ReplyPart } from '@switchboard/core';
import { reasonOf } from './connection';
import { NatsBusError } from './errors';
import { type BusNames, redactServers } from './names';
import type { ResolvedNatsBusOptions } from './options';
import { TurnBatch } from './turn-batch';

/** How long a reply part may be retried (a reconnect, a leader election) before `publishReply` rejects. */
const PUBLISH_DEADLINE_MS = 30_000;

/** What a reply message carries: the request it belongs to and the part. */
export interface ReplyEnvelope {
  readonly requestId: string;
  readonly part: ReplyPart;
}

/**
 * Stores reply parts in the replies stream, on the subject of their owner. The parts of one request
 * are stored strictly one after another (each waits for the previous one's acknowledgement), so they
 * keep publish order even when a publish has to be retried; different requests go out independently.
 * A retried publish keeps its message id, so JetStream stores it once.
 */
export class ReplyPublisher {
  readonly #js: JetStreamClient;
  readonly #names: BusNames;
  readonly #options: ResolvedNatsBusOptions;
  readonly #logger: Logger;
  readonly #tails = new Map<string, Promise<void>>();
  readonly #batch = new TurnBatch();

  constructor(js: JetStreamClient, names: BusNames, options: ResolvedNatsBusOptions, logger: Logger) {
    this.#js = js;
    this.#names = names;
    this.#options = options;
    this.#logger = logger;
  }

  /** Resolves once the part is stored; rejects with `bus_unavailable` when NATS stays unreachable. */
  publish(requestId: string, owner: string, part: ReplyPart): Promise<void> {
    const key = `${owner}\u0000${requestId}`;
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const stored = previous.catch(() => {}).then(() => this.#store(requestId, owner, part));
    this.#tails.set(key, stored);
    const forget = () => {
      if (this.#tails.get(key) === stored) this.#tails.delete(key);
    };
    stored.then(forget, forget);
    return stored;
  }

  /** Resolves once every part published so far is stored (or failed). */
  async drained(): Promise<void> {
    while (this.#tails.size > 0) await Promise.allSettled([...this.#tails.values()]);
  }

  async #store(requestId: string, owner: string, part: ReplyPart): Promise<void> {
    const envelope: ReplyEnvelope = { requestId, part };
    const payload = JSON.stringify(envelope);
    const msgID = nuid.next();
    const deadline = Date.now() + PUBLISH_DEADLINE_MS;
    for (let tries = 1; ; tries += 1) {
      try {
        await this.#batch.run(() =>
          this.#js.publish(this.#names.repliesSubject(owner), payload, {
            msgID,
            timeout: this.#options.requestTimeoutMs,
          }),
        );
        return;
      } catch (error) {
        if (Date.now() >= deadline) {
          throw new NatsBusError(
            'bus_unavailable',
            `Could not store a reply part in NATS at ${redactServers(this.#options.url)}: ${reasonOf(error, this.#options.url)}.`,
            { cause: error },
          );
        }
        this.#logger.warn(
          { requestId, tries, error: reasonOf(error, this.#options.url) },
          'storing a reply part failed; retrying',
        );
        await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** tries, 2000)));
      }
    }
  }
}
