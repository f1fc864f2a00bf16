import type { JetStreamManager, MsgRequest } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Logger, Unsubscribe } from '@switchboard/core';
import type { BusNames } from './names';

/** Where a delivered event stands in its lane (the events of one ordering key, in stream order). */
export type LanePosition = 'head' | 'behind' | 'gone';

/** JetStream's "first message on this subject at or after seq" lookup (server 2.9+). */
interface NextMessageQuery {
  readonly next_by_subj: string;
  readonly seq: number;
}

interface Watched {
  readonly subscription: Subscription;
  readonly listeners: Set<() => void>;
  /** The highest stream sequence of this lane announced done. */
  floor: number;
}

/**
 * Order within an ordering key. Each key has its own subject (a lane); only the lane's oldest event
 * still in the work-queue stream — its head — may run. Acked events leave the stream, so the head is
 * the lowest sequence stored on the lane's subject, which the stream itself answers.
 *
 * A worker holding an event that is not the head yet watches the lane: the worker that finishes an
 * event announces it on a core NATS subject, and watchers look again. Announcements only speed things
 * up; the stream is the truth, and workers also look again on a timer.
 */
export class Lanes {
  readonly #nc: NatsConnection;
  readonly #jsm: JetStreamManager;
  readonly #names: BusNames;
  readonly #logger: Logger;
  readonly #watched = new Map<string, Watched>();

  constructor(nc: NatsConnection, jsm: JetStreamManager, names: BusNames, logger: Logger) {
    this.#nc = nc;
    this.#jsm = jsm;
    this.#names = names;
    this.#logger = logger;
  }

  /** Where the event at stream sequence `seq` of `lane` stands. Rejects when the stream cannot be asked. */
  async position(lane: string, seq: number): Promise<LanePosition> {
    const floor = this.#watched.get(lane)?.floor ?? 0;
    const query: NextMessageQuery = { next_by_subj: this.#names.inboundSubject(lane), seq: floor + 1 };
    // The client passes the query through; its type lists only the seq and last_by_subj forms.
    const first = await this.#jsm.streams.getMessage(
      this.#names.inboundStream,
      query as unknown as MsgRequest,
    );
    if (first === null || first.seq > seq) return 'gone';
    return first.seq === seq ? 'head' : 'behind';
  }

  /**
   * Call `listener` whenever an event of `lane` is announced done. Watch before asking for a position:
   * an announcement made after the subscription reached the server is heard, and one made before it is
   * already visible in the stream.
   */
  watch(lane: string, listener: () => void): Unsubscribe {
    let watched = this.#watched.get(lane);
    if (watched === undefined) {
      const created: Watched = {
        subscription: this.#nc.subscribe(this.#names.laneDoneSubject(lane), {
          callback: (error, message) => {
            if (error !== null) return;
            const seq = Number(message.string());
            if (Number.isSafeInteger(seq)) created.floor = Math.max(created.floor, seq);
            for (const notify of [...created.listeners]) notify();
          },
        }),
        listeners: new Set(),
        floor: 0,
      };
      this.#watched.set(lane, created);
      watched = created;
    }
    const entry = watched;
    const registered = () => listener();
    entry.listeners.add(registered);
    return () => {
      entry.listeners.delete(registered);
      if (entry.listeners.size === 0 && this.#watched.get(lane) === entry) {
        this.#watched.delete(lane);
        entry.subscription.unsubscribe();
      }
    };
  }

  /** Tell watchers that the event at `seq` of `lane` left the stream (call after the ack was confirmed). */
  announceDone(lane: string, seq: number): void {
    try {
      this.#nc.publish(this.#names.laneDoneSubject(lane), String(seq));
    } catch (error) {
      // Watchers look again on their timer.
      this.#logger.debug({ error, lane }, 'could not announce a finished event');
    }
  }
}
