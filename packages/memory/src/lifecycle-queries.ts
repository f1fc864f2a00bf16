import {
  type ConversationRef,
  conversationKey,
  type InboundEvent,
  type SentMessage,
  SwitchboardError,
} from '@switchboard/core';
import { type SQL, sql } from 'drizzle-orm';
import type { MemoryDatabase } from './drizzle-store';
import { type EndingRow, endingRow, endTasks } from './ending-statement';
import { type InboxRow, inboxRow, recordInbounds } from './inbox-statement';
import { contextColumns, contextFromRow, type QuestionContextQuery } from './question-context';
import {
  CONVERSATION_COLUMNS_AS_C,
  conversationFromRaw,
  eventFromRaw,
  jsonb,
  rows,
  sentFromRaw,
  taskColumns,
  taskFromRaw,
} from './raw-rows';
import {
  BACKGROUND_TASK_EVENT,
  type ClaimResult,
  type InboxEntry,
  type InboxResult,
  type Lease,
  type LoadedTask,
  type RecoverableTask,
  type TaskClaim,
  type TaskEnd,
} from './records';
import { StatementBatch } from './statement-batch';
import type { RecordedForOthersQuery } from './store';

const OPEN = sql.raw(`('queued', 'running', 'waiting')`);
const ENDED = sql.raw(`('succeeded', 'failed', 'cancelled')`);

/** `now()` plus the lease's duration, on the database's clock. */
const until = (lease: Lease): SQL =>
  sql`now() + ${Math.max(0, Math.round(lease.ms))}::int * interval '1 millisecond'`;

/** Upsert the conversation row (touching `updated_at`), as a CTE body. */
const upsertConversation = (ref: ConversationRef): SQL => sql`
  insert into conversations (key, platform, account, channel, thread, direct)
  values (${conversationKey(ref)}, ${ref.platform}, ${ref.account}, ${ref.channel}, ${ref.thread ?? null}, ${ref.direct})
  on conflict (key) do update set updated_at = now()
  returning *`;

/**
 * The durable task lifecycle (DESIGN.md §5b, ADR 0030/0031): the inbox, claims with leases, endings that
 * store the final reply with the task, lease renewal and recovery, and the outbox's delivery marks. Each
 * method is one statement (one round trip; a write is one commit).
 */
/** The question's context as more columns of a select list, when it is wanted. */
function withContext(context: QuestionContextQuery | undefined): SQL {
  return context === undefined ? sql`` : sql`, ${contextColumns(context)}`;
}

export class LifecycleQueries {
  /** Inbound events of concurrent requests, recorded together (ADR 0050). */
  readonly #inbox: StatementBatch<InboxRow, InboxResult | SwitchboardError>;
  /** Endings of concurrent tasks, written together (ADR 0050). */
  readonly #endings: StatementBatch<EndingRow, boolean>;

  constructor(private readonly db: MemoryDatabase) {
    this.#inbox = new StatementBatch(
      (entries) => recordInbounds(db, entries),
      (entry) => entry.event_id,
    );
    this.#endings = new StatementBatch(
      (endings) => endTasks(db, endings),
      (ending) => ending.task_id,
    );
  }

  async recordInbound(entry: InboxEntry): Promise<InboxResult> {
    const result = await this.#inbox.add(inboxRow(entry));
    if (result instanceof SwitchboardError) throw result;
    return result;
  }

  async forgetInbound(eventId: string): Promise<void> {
    await rows(
      this.db,
      sql`with forgotten as (delete from inbound_events where id = ${eventId} returning task_id)
      delete from tasks where id in (select task_id from forgotten) and status in ${OPEN}`,
    );
  }

  async claimTask(claim: TaskClaim): Promise<ClaimResult> {
    const { lease } = claim;
    const key = conversationKey(claim.conversation);
    const [row] = await rows(
      this.db,
      sql`with conversation as (${upsertConversation(claim.conversation)}),
      inbound as (
        insert into inbound_events (id, task_id) values (${claim.eventId}, ${claim.id})
        on conflict (id) do nothing
        returning id
      ),
      claimed as (
        insert into tasks (id, event_id, conversation_key, author_id, command, status, attempts, lease_owner, lease_expires_at)
        values (${claim.id}, ${claim.eventId}, ${key}, ${claim.authorId}, ${claim.command}, 'running', 1,
          ${lease.owner}, ${until(lease)})
        on conflict (event_id) do update set status = 'running', attempts = tasks.attempts + 1,
          lease_owner = excluded.lease_owner, lease_expires_at = excluded.lease_expires_at
        where tasks.status = 'queued'
          or (tasks.status in ('running', 'waiting')
            and ((${claim.redelivered} and not exists (
                select 1 from task_events b where b.task_id = tasks.id and b.type = ${BACKGROUND_TASK_EVENT}))
              or tasks.lease_expires_at < now()))
        returning *
      )
      select ${CONVERSATION_COLUMNS_AS_C}, ${taskColumns('t')}, ${taskColumns('e')},
        (select count(*) from inbound)::int as recorded${withContext(claim.context)}
      from conversation c
      left join claimed t on true
      left join tasks e on e.event_id = ${claim.eventId}`,
      { prepared: true },
    );
    if (!row) throw new SwitchboardError('database_error', 'The database did not return the claimed task.');
    if (row['t_id'] !== null && row['t_id'] !== undefined) {
      const claimed = {
        status: 'claimed' as const,
        task: taskFromRaw(row, 't_'),
        conversation: conversationFromRaw(row),
      };
      return claim.context === undefined
        ? claimed
        : { ...claimed, context: contextFromRow(row, claim.context.conversationKey) };
    }
    if (row['e_id'] === null || row['e_id'] === undefined) {
      throw new SwitchboardError(
        'task_not_found',
        `Event ${claim.eventId} was seen before, but the task it started is gone.`,
      );
    }
    return { status: 'duplicate', task: taskFromRaw(row, 'e_') };
  }

  async loadTask(
    taskId: string,
    ref: ConversationRef,
    context?: QuestionContextQuery,
  ): Promise<LoadedTask | undefined> {
    const [row] = await rows(
      this.db,
      sql`select ${CONVERSATION_COLUMNS_AS_C}, ${taskColumns('t')}${withContext(context)}
      from tasks t join conversations c on c.key = ${conversationKey(ref)}
      where t.id = ${taskId}`,
      { prepared: true },
    );
    if (row === undefined) return undefined;
    const loaded = { task: taskFromRaw(row, 't_'), conversation: conversationFromRaw(row) };
    return context === undefined
      ? loaded
      : { ...loaded, context: contextFromRow(row, context.conversationKey) };
  }

  finishTask(taskId: string, end: TaskEnd): Promise<boolean> {
    return this.#endings.add(endingRow(taskId, end));
  }

  /** Resolves once every inbox record and ending handed over so far is written (or failed). */
  async settled(): Promise<void> {
    await Promise.all([this.#inbox.settled(), this.#endings.settled()]);
  }

  async renewLeases(lease: Lease): Promise<number> {
    const renewed = await rows(
      this.db,
      sql`update tasks set lease_expires_at = ${until(lease)} where lease_owner = ${lease.owner} returning id`,
    );
    return renewed.length;
  }

  async leaseOwners(): Promise<string[]> {
    const found = await rows(
      this.db,
      sql`select distinct lease_owner from tasks where lease_owner is not null`,
    );
    return found.map((row) => String(row['lease_owner']));
  }

  async recoverableTasks(
    me: string,
    deadOwners: readonly string[],
    limit: number,
  ): Promise<RecoverableTask[]> {
    const dead =
      deadOwners.length === 0
        ? sql`false`
        : sql`t.lease_owner in (${sql.join(
            deadOwners.map((owner) => sql`${owner}`),
            sql`, `,
          )})`;
    const found = await rows(
      this.db,
      sql`select ${taskColumns('t')}, i.event as i_event, i.sent as i_sent
      from tasks t left join inbound_events i on i.id = t.event_id
      where t.lease_owner is not null and t.lease_owner <> ${me}
        and (t.lease_expires_at < now() or ${dead})
      order by t.created_at, t.sequence
      limit ${Math.max(1, Math.floor(limit))}`,
    );
    return found.map((row) => ({
      task: taskFromRaw(row, 't_'),
      event: eventFromRaw(row['i_event']),
      sent: sentFromRaw(row['i_sent']),
    }));
  }

  async handBackTask(taskId: string, owner: string): Promise<boolean> {
    const handed = await rows(
      this.db,
      sql`update tasks set status = 'queued', lease_owner = null, lease_expires_at = null
      where id = ${taskId} and lease_owner = ${owner} and status = 'running'
      returning id`,
    );
    return handed.length === 1;
  }

  async expireLease(taskId: string, owner: string): Promise<boolean> {
    const expired = await rows(
      this.db,
      sql`update tasks set lease_expires_at = now()
      where id = ${taskId} and lease_owner = ${owner} and status in ('running', 'waiting')
      returning id`,
    );
    return expired.length === 1;
  }

  async adoptTask(taskId: string, previousOwner: string, lease: Lease, requeue: boolean): Promise<boolean> {
    const adopted = await rows(
      this.db,
      sql`update tasks set lease_owner = ${lease.owner}, lease_expires_at = ${until(lease)},
        status = case when ${requeue} and status in ${OPEN} then 'queued' else status end
      where id = ${taskId} and lease_owner = ${previousOwner}
      returning id`,
    );
    return adopted.length === 1;
  }

  async recordSent(eventId: string, sent: readonly SentMessage[]): Promise<void> {
    await rows(this.db, sql`update inbound_events set sent = ${jsonb(sent)} where id = ${eventId}`);
  }

  async markDelivered(eventIds: readonly string[]): Promise<void> {
    if (eventIds.length === 0) return;
    const ids = sql.join(
      eventIds.map((id) => sql`${id}`),
      sql`, `,
    );
    await rows(
      this.db,
      sql`with delivered as (
        update inbound_events set delivered_at = now() where id in (${ids}) and delivered_at is null returning id
      )
      update tasks set lease_owner = null, lease_expires_at = null
      where event_id in (${ids}) and status in ${ENDED}`,
    );
  }

  async recordedForOthers(query: RecordedForOthersQuery): Promise<string[]> {
    const found = await rows(
      this.db,
      sql`select distinct m.value ->> 'id' as id
      from tasks t
      join inbound_events i on i.id = t.event_id
      cross join lateral jsonb_array_elements(
        case when jsonb_typeof(i.sent) = 'array' then i.sent else '[]'::jsonb end
      ) as m(value)
      where t.conversation_key = ${query.conversationKey} and t.created_at >= ${query.since.toISOString()}::timestamptz
        and t.event_id <> ${query.eventId} and m.value ->> 'id' is not null`,
    );
    return found.map((row) => String(row['id']));
  }

  async inboundEvent(eventId: string): Promise<InboundEvent | undefined> {
    const [row] = await rows(this.db, sql`select event from inbound_events where id = ${eventId}`);
    return row && eventFromRaw(row['event']);
  }
}
