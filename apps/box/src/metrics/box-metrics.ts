import type { DeliveryRetry } from '@switchboard/chat';
import type { EnqueueResult, InboundEvent, ReplyPart } from '@switchboard/core';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Counts of tasks by status, read from the database when `/metrics` is scraped. */
export type TaskCounts = () => Promise<Readonly<Record<string, number>>>;

/** A model's circuit breaker as `/metrics` shows it. */
export interface BreakerReading {
  readonly model: string;
  readonly open: boolean;
}

/** Where `/metrics` reads what it cannot count itself. */
export interface MetricSources {
  /** The role of this process (`all`, `gateway`, `worker`), a label on every series. */
  readonly role: string;
  readonly taskCounts?: TaskCounts;
  readonly breakers?: () => readonly BreakerReading[];
}

const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120, 300];

/**
 * Every series the box exports in the Prometheus text format (`GET /metrics`). Counting happens where the
 * work passes (the bus, the delivery engine); task counts and breaker states are read at scrape time.
 */
export class BoxMetrics {
  readonly registry = new Registry();
  private readonly inbound: Counter<'platform' | 'result'>;
  private readonly redeliveries: Counter;
  private readonly running: Gauge;
  private readonly finished: Counter<'outcome'>;
  private readonly firstToken: Histogram<'model'>;
  private readonly duration: Histogram<'model'>;
  private readonly tokens: Counter<'model' | 'direction'>;
  private readonly cost: Counter<'model'>;
  private readonly deliveryRetries: Counter<'platform'>;
  private readonly rateLimited: Counter<'platform'>;
  private waiting = 0;

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    this.registry.setDefaultLabels({ role: sources.role });
    collectDefaultMetrics({ register: this.registry, prefix: 'switchboard_' });
    this.inbound = new Counter({
      name: 'switchboard_inbound_events_total',
      help: 'Inbound events offered to the bus, by platform and result (accepted, duplicate, busy).',
      labelNames: ['platform', 'result'],
      registers,
    });
    this.redeliveries = new Counter({
      name: 'switchboard_redeliveries_total',
      help: 'Events handed to a worker again after an earlier delivery failed or its worker died.',
      registers,
    });
    const self = this;
    new Gauge({
      name: 'switchboard_queue_depth',
      help: 'Requests this process accepted whose final reply part has not arrived yet.',
      registers,
      collect() {
        this.set(self.waiting);
      },
    });
    this.running = new Gauge({
      name: 'switchboard_worker_running',
      help: 'Events this process is handling now.',
      registers,
    });
    this.finished = new Counter({
      name: 'switchboard_requests_finished_total',
      help: 'Requests that got their final part, by outcome (answered, or the error code).',
      labelNames: ['outcome'],
      registers,
    });
    this.firstToken = new Histogram({
      name: 'switchboard_time_to_first_token_seconds',
      help: 'From the start of a task to its first answer token.',
      labelNames: ['model'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.duration = new Histogram({
      name: 'switchboard_task_duration_seconds',
      help: 'From the start of a task to its final answer.',
      labelNames: ['model'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.tokens = new Counter({
      name: 'switchboard_model_tokens_total',
      help: 'Model tokens by model and direction (input, output).',
      labelNames: ['model', 'direction'],
      registers,
    });
    this.cost = new Counter({
      name: 'switchboard_model_cost_usd_total',
      help: 'What answers cost, in US dollars, by model.',
      labelNames: ['model'],
      registers,
    });
    this.deliveryRetries = new Counter({
      name: 'switchboard_delivery_retries_total',
      help: 'Platform calls that failed and were retried, by platform.',
      labelNames: ['platform'],
      registers,
    });
    this.rateLimited = new Counter({
      name: 'switchboard_delivery_rate_limited_total',
      help: 'Platform calls answered with a rate limit (HTTP 429 or the platform equivalent), by platform.',
      labelNames: ['platform'],
      registers,
    });
    if (sources.taskCounts) this.addTaskCounts(sources.taskCounts);
    if (sources.breakers) this.addBreakers(sources.breakers);
  }

  /** An event was offered to the bus. */
  enqueued(event: InboundEvent, result: EnqueueResult): void {
    this.inbound.inc({ platform: event.conversation.platform, result: result.status });
    if (result.status === 'accepted') this.waiting++;
  }

  /** A worker started handling an event (`attempt` counts from 1). */
  handling(attempt: number): () => void {
    if (attempt > 1) this.redeliveries.inc();
    this.running.inc();
    return () => this.running.dec();
  }

  /** A worker published a reply part: final parts carry the task's model, tokens, cost and timings. */
  published(part: ReplyPart): void {
    if (part.type === 'error') {
      this.finished.inc({ outcome: part.code });
      return;
    }
    if (part.type !== 'reply-end') return;
    this.finished.inc({ outcome: 'answered' });
    const { meta } = part;
    const model = meta.model ?? 'none';
    if (meta.timeToFirstTokenMs !== undefined)
      this.firstToken.observe({ model }, meta.timeToFirstTokenMs / 1000);
    if (meta.durationMs !== undefined) this.duration.observe({ model }, meta.durationMs / 1000);
    if (meta.usage) {
      this.tokens.inc({ model, direction: 'input' }, meta.usage.inputTokens);
      this.tokens.inc({ model, direction: 'output' }, meta.usage.outputTokens);
    }
    if (meta.costUsd !== undefined && meta.costUsd > 0) this.cost.inc({ model }, meta.costUsd);
  }

  /** The gateway received a request's final part. */
  delivered(): void {
    this.waiting = Math.max(0, this.waiting - 1);
  }

  /** The delivery engine retries a platform call. */
  retried(retry: DeliveryRetry): void {
    this.deliveryRetries.inc({ platform: retry.platform });
    if (retry.rateLimited) this.rateLimited.inc({ platform: retry.platform });
  }

  /** The text format Prometheus scrapes, and its content type. */
  async scrape(): Promise<{ readonly body: string; readonly contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }

  private addTaskCounts(read: TaskCounts): void {
    new Gauge({
      name: 'switchboard_tasks',
      help: 'Tasks in the database by status.',
      labelNames: ['status'],
      registers: [this.registry],
      async collect() {
        this.reset();
        const counts = await read().catch(() => ({}));
        for (const [status, count] of Object.entries(counts)) this.set({ status }, count);
      },
    });
  }

  private addBreakers(read: () => readonly BreakerReading[]): void {
    new Gauge({
      name: 'switchboard_model_breaker_open',
      help: "1 while a model's circuit breaker is open (its calls are skipped), else 0.",
      labelNames: ['model'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const breaker of read()) this.set({ model: breaker.model }, breaker.open ? 1 : 0);
      },
    });
  }
}
