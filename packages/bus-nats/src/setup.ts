import {
  AckPolicy,
  type ConsumerConfig,
  DeliverPolicy,
  DiscardPolicy,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { nanos } from '@nats-io/transport-node';
import { reasonOf } from './connection';
import { NatsBusError } from './errors';
import type { BusNames } from './names';
import type { ResolvedNatsBusOptions } from './options';

/** A stream's settings as the bus sets them; the server fills in the rest. */
export type StreamSettings = Partial<StreamConfig> & Pick<StreamConfig, 'name' | 'retention'>;

/** How long a count of handed-back deliveries is kept (longer than any event waits in practice). */
const RELEASE_MEMORY_MS = 24 * 60 * 60_000;

/**
 * The inbound work queue: work-queue retention (an event leaves when a worker acks it), bounded by
 * `queueLimit` with discard-new (a full queue refuses, so `enqueue` can answer `busy`), deduplicated by
 * `Nats-Msg-Id` within `duplicateWindowMs`.
 */
export function inboundStreamConfig(names: BusNames, options: ResolvedNatsBusOptions): StreamSettings {
  return {
    ...baseStream(names.inboundStream, names.inboundSubjects, options),
    description: 'Switchboard inbound events, one subject per ordering key',
    discard: DiscardPolicy.New,
    max_msgs: options.queueLimit,
    max_bytes: options.queueMaxBytes ?? -1,
    max_age: 0,
    duplicate_window: nanos(options.duplicateWindowMs),
  };
}

/** Reply parts: a part leaves when its gateway acks it, or after `replyMaxAgeMs` when no gateway came. */
export function repliesStreamConfig(names: BusNames, options: ResolvedNatsBusOptions): StreamSettings {
  return {
    ...baseStream(names.repliesStream, names.repliesSubjects, options),
    description: 'Switchboard reply parts, one subject per gateway',
    discard: DiscardPolicy.Old,
    max_msgs: -1,
    max_bytes: -1,
    max_age: nanos(options.replyMaxAgeMs),
    duplicate_window: nanos(Math.min(2 * 60_000, options.replyMaxAgeMs)),
  };
}

/**
 * The one durable pull consumer all workers share. JetStream's own delivery limit is off: the bus
 * counts attempts itself and calls `onGiveUp`, because a work-queue message that reaches MaxDeliver
 * would otherwise stay in the stream, undelivered, holding up its conversation.
 */
export function workersConsumerConfig(
  names: BusNames,
  options: ResolvedNatsBusOptions,
): Partial<ConsumerConfig> {
  return {
    durable_name: names.workersConsumer,
    description: 'Switchboard agent workers',
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(options.ackWaitMs),
    max_deliver: -1,
    max_ack_pending: options.queueLimit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: names.inboundSubjects,
  };
}

/** The durable consumer of one gateway's reply parts; it vanishes after `replyMaxAgeMs` unused. */
export function repliesConsumerConfig(
  names: BusNames,
  owner: string,
  options: ResolvedNatsBusOptions,
): Partial<ConsumerConfig> {
  return {
    durable_name: names.repliesConsumer(owner),
    description: 'Switchboard reply parts of one gateway',
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(options.ackWaitMs),
    max_deliver: -1,
    max_ack_pending: 1000,
    deliver_policy: DeliverPolicy.All,
    filter_subject: names.repliesSubject(owner),
    inactive_threshold: nanos(options.replyMaxAgeMs),
  };
}

/** Create the stream, or bring the limits of an existing one up to date. */
export async function ensureStream(
  jsm: JetStreamManager,
  config: StreamSettings,
  url: string,
): Promise<void> {
  try {
    await jsm.streams.add(config);
    return;
  } catch (error) {
    if (!/already in use/i.test(reasonOf(error, url))) throw misconfigured(config.name, error, url);
  }
  try {
    const { name, retention, storage, ...updatable } = config;
    const current = await jsm.streams.info(name);
    if (current.config.retention !== retention) {
      throw new Error(`it has ${current.config.retention} retention, the bus needs ${retention}`);
    }
    await jsm.streams.update(name, updatable);
  } catch (error) {
    throw misconfigured(config.name, error, url);
  }
}

/** Create the consumer, or update its settings (same name, new ack wait or limit). */
export async function ensureConsumer(
  jsm: JetStreamManager,
  stream: string,
  config: Partial<ConsumerConfig>,
  url: string,
): Promise<void> {
  try {
    await jsm.consumers.add(stream, config);
  } catch (error) {
    throw misconfigured(`${stream} consumer ${config.durable_name ?? ''}`, error, url);
  }
}

/** The bucket counting deliveries that workers handed back unrun, so they do not count as attempts. */
export async function openReleasesBucket(
  nc: NatsConnection,
  names: BusNames,
  options: ResolvedNatsBusOptions,
): Promise<KV> {
  try {
    return await new Kvm(nc).create(names.releasesBucket, {
      history: 1,
      ttl: RELEASE_MEMORY_MS,
      replicas: options.replicas,
      timeout: options.requestTimeoutMs,
    });
  } catch (error) {
    throw misconfigured(`KV bucket ${names.releasesBucket}`, error, options.url);
  }
}

function baseStream(name: string, subject: string, options: ResolvedNatsBusOptions): StreamSettings {
  return {
    name,
    subjects: [subject],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    num_replicas: options.replicas,
  };
}

function misconfigured(what: string, error: unknown, url: string): NatsBusError {
  return new NatsBusError(
    'bus_misconfigured',
    `Cannot set up the NATS stream ${what}: ${reasonOf(error, url)}. If an older Switchboard or another program created it with other settings, remove it (nats stream rm) or choose another prefix.`,
    { cause: error },
  );
}
