import type { ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import type { Logger, ReplyPart } from '@switchboard/core';
import { AckBatch } from './ack-batch';
import type { Lease, LeaseKeeper } from './leases';
import type { BusNames } from './names';
import type { ResolvedNatsBusOptions } from './options';
import type { ReplyEnvelope } from './reply-publisher';
import { ensureConsumer, repliesConsumerConfig } from './setup';

/** A gateway's reply handler, as {@link Bus.onReplies} takes it. */
export type ReplyHandler = (requestId: string, part: ReplyPart) => Promise<void>;

/** What every reply subscription of one bus shares. */
export interface ReplyContext {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly names: BusNames;
  readonly leases: LeaseKeeper;
  readonly options: ResolvedNatsBusOptions;
  readonly logger: Logger;
}

interface HeldPart {
  readonly msg: JsMsg;
  readonly part: ReplyPart;
  readonly lease: Lease;
}

/** The parts of one request waiting for the handler, and the highest stream sequence already handled. */
interface RequestQueue {
  readonly parts: HeldPart[];
  pumping: boolean;
  handledSeq: number;
}

/**
 * The reply parts of one owner (gateway), from its durable consumer. On start the consumer is made
 * anew: the stream keeps exactly the parts no gateway acked (work-queue retention), so a restarted
 * gateway gets every pending part at once, in order, instead of waiting for the old connection's
 * deliveries to time out. Each request's parts reach the handler one at a time, in stream order; a
 * part is acked once the handler's promise settled. Different requests do not wait for each other.
 */
export class ReplySubscription {
  readonly #context: ReplyContext;
  readonly #owner: string;
  readonly #handle: ReplyHandler;
  readonly #requests = new Map<string, RequestQueue>();
  readonly #pumps = new Set<Promise<void>>();
  readonly #acks = new AckBatch();
  #messages: ConsumerMessages | undefined;
  #active = true;

  constructor(context: ReplyContext, owner: string, handle: ReplyHandler) {
    this.#context = context;
    this.#owner = owner;
    this.#handle = handle;
    void this.#run();
  }

  /** Stop taking parts; the part in the handler finishes and is acked, the queued ones stay stored. */
  stop(): void {
    this.#active = false;
    this.#acks.flush();
    this.#messages?.stop();
    for (const queue of this.#requests.values()) {
      for (const held of queue.parts.splice(0)) held.lease.release();
    }
  }

  /** Resolves once no handler call is running. */
  async settled(): Promise<void> {
    while (this.#pumps.size > 0) await Promise.allSettled([...this.#pumps]);
    this.#acks.flush();
  }

  async #run(): Promise<void> {
    const { logger } = this.#context;
    for (let failures = 0; this.#active; ) {
      try {
        const messages = await this.#open();
        this.#messages = messages;
        if (!this.#active) messages.stop();
        for await (const msg of messages) this.#accept(msg);
        failures = 0;
      } catch (error) {
        if (!this.#active) return;
        failures += 1;
        logger.warn(
          { owner: this.#owner, error: String(error) },
          'receiving reply parts failed; trying again',
        );
        await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** failures, 5000)));
      }
    }
  }

  async #open(): Promise<ConsumerMessages> {
    const { js, jsm, names, options } = this.#context;
    const name = names.repliesConsumer(this.#owner);
    await jsm.consumers.delete(names.repliesStream, name).catch((error: unknown) => {
      if (!/not found/i.test(String(error))) throw error;
    });
    await ensureConsumer(
      jsm,
      names.repliesStream,
      repliesConsumerConfig(names, this.#owner, options),
      options.url,
    );
    const consumer = await js.consumers.get(names.repliesStream, name);
    return consumer.consume({ max_messages: 256 });
  }

  #accept(msg: JsMsg): void {
    // Parts the client had buffered when the subscription stopped stay stored for the next one.
    if (!this.#active) return;
    let envelope: ReplyEnvelope;
    try {
      envelope = msg.json<ReplyEnvelope>();
    } catch {
      this.#context.logger.error(
        { owner: this.#owner, seq: msg.seq },
        'a reply message is not a reply part; dropped',
      );
      msg.ack();
      return;
    }
    let queue = this.#requests.get(envelope.requestId);
    if (queue === undefined) {
      queue = { parts: [], pumping: false, handledSeq: 0 };
      this.#requests.set(envelope.requestId, queue);
    }
    if (msg.seq <= queue.handledSeq || queue.parts.some((held) => held.msg.seq === msg.seq)) {
      // A repeat of a part already handled (its ack was lost) or still waiting here.
      if (msg.seq <= queue.handledSeq) this.#acks.add(msg);
      return;
    }
    const lease = this.#context.leases.hold(msg, () => {});
    queue.parts.push({ msg, part: envelope.part, lease });
    if (!queue.pumping) this.#pump(envelope.requestId, queue);
  }

  #pump(requestId: string, queue: RequestQueue): void {
    queue.pumping = true;
    const pump = (async () => {
      for (let held = queue.parts.shift(); held !== undefined; held = queue.parts.shift()) {
        try {
          await this.#handle(requestId, held.part);
        } catch (error) {
          this.#context.logger.error(
            { owner: this.#owner, requestId, error: String(error) },
            'a reply handler failed; the part counts as delivered',
          );
        }
        queue.handledSeq = Math.max(queue.handledSeq, held.msg.seq);
        this.#acks.add(held.msg);
        held.lease.release();
      }
      queue.pumping = false;
      // Forget the request once idle; a late repeat of an acked part is then delivered again, which
      // at-least-once allows (the delivery engine drops parts after a request's end).
      if (queue.parts.length === 0 && this.#requests.get(requestId) === queue)
        this.#requests.delete(requestId);
    })();
    this.#pumps.add(pump);
    void pump.finally(() => this.#pumps.delete(pump));
  }
}
