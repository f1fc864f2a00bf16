import { conversationKey, SwitchboardError } from '@switchboard/core';
import { sql } from 'drizzle-orm';
import type { MemoryDatabase } from './drizzle-store';
import { jsonb, rows, taskColumns, taskFromRaw } from './raw-rows';
import type { InboxEntry, InboxResult } from './records';

/** One inbound event as {@link recordInbounds} takes it: one element of the statement's `jsonb` array. */
export interface InboxRow {
  readonly event_id: string;
  readonly task_id: string;
  readonly event: InboxEntry['event'];
  readonly conversation_key: string;
  readonly platform: string;
  readonly account: string;
  readonly channel: string;
  readonly thread: string | null;
  readonly direct: boolean;
  readonly author_id: string;
  readonly command: string;
  readonly status: InboxEntry['status'];
  readonly attempts: number;
  readonly lease_owner: string;
  readonly lease_ms: number;
}

/** `entry` as a row of the inbox statement. */
export function inboxRow(entry: InboxEntry): InboxRow {
  const { event, lease } = entry;
  const ref = event.conversation;
  return {
    event_id: event.id,
    task_id: entry.taskId,
    event,
    conversation_key: conversationKey(ref),
    platform: ref.platform,
    account: ref.account,
    channel: ref.channel,
    thread: ref.thread ?? null,
    direct: ref.direct,
    author_id: entry.authorId,
    command: entry.command,
    status: entry.status,
    attempts: entry.status === 'running' ? 1 : 0,
    lease_owner: lease.owner,
    lease_ms: Math.max(0, Math.round(lease.ms)),
  };
}

/**
 * True when the event's task is the very task this entry asked for: the same entry sent again after a
 * statement that committed but whose answer was lost (a broken connection, then the batch's items tried
 * alone). Task ids are new for every entry, so a real repeat of the event always names another task.
 */
function sameRecordAgain(row: Record<string, unknown>): boolean {
  return row['t_id'] !== null && row['t_id'] !== undefined && row['t_id'] === row['input_task_id'];
}

/**
 * Record inbound events with their tasks in one statement (one round trip, one commit; ADR 0030, 0050):
 * each event's conversation is created or touched, and an event seen before creates nothing. Returns, in
 * order, what became of each: `recorded` (also for an entry sent again after its commit's answer was lost),
 * or `duplicate` with the task it started before — or an error
 * for an event seen before whose task is gone. The statement's text never changes.
 */
export async function recordInbounds(
  db: MemoryDatabase,
  entries: readonly InboxRow[],
): Promise<(InboxResult | SwitchboardError)[]> {
  const found = await rows(
    db,
    sql`with input as (
      select * from rows from (jsonb_to_recordset(${jsonb(entries)}) as (
        event_id text, task_id text, event jsonb, conversation_key text, platform text, account text,
        channel text, thread text, direct boolean, author_id text, command text, status text, attempts int,
        lease_owner text, lease_ms int))
      with ordinality as i(event_id, task_id, event, conversation_key, platform, account, channel, thread,
        direct, author_id, command, status, attempts, lease_owner, lease_ms, position)
    ),
    conversation as (
      insert into conversations (key, platform, account, channel, thread, direct)
      select distinct on (conversation_key) conversation_key, platform, account, channel, thread, direct
      from input order by conversation_key, position
      on conflict (key) do update set updated_at = now()
    ),
    inbound as (
      insert into inbound_events (id, task_id, event)
      select event_id, task_id, event from input order by position
      on conflict (id) do nothing
      returning id
    ),
    created as (
      insert into tasks (id, event_id, conversation_key, author_id, command, status, attempts, lease_owner,
        lease_expires_at)
      select i.task_id, i.event_id, i.conversation_key, i.author_id, i.command, i.status, i.attempts,
        i.lease_owner, now() + i.lease_ms * interval '1 millisecond'
      from input i join inbound n on n.id = i.event_id
      order by i.position
      returning id
    )
    select i.event_id as input_event_id, i.task_id as input_task_id,
      exists (select 1 from created c where c.id = i.task_id) as created,
      e.delivered_at as i_delivered_at, ${taskColumns('t')}
    from input i
    left join inbound_events e on e.id = i.event_id
    left join tasks t on t.id = e.task_id
    order by i.position`,
    { prepared: true },
  );
  return found.map((row): InboxResult | SwitchboardError => {
    if (row['created'] === true || sameRecordAgain(row))
      return { status: 'recorded', taskId: String(row['input_task_id']) };
    if (row['t_id'] === null || row['t_id'] === undefined) {
      return new SwitchboardError(
        'task_not_found',
        `Event ${String(row['input_event_id'])} was seen before, but the task it started is gone.`,
      );
    }
    return {
      status: 'duplicate',
      task: taskFromRaw(row, 't_'),
      delivered: row['i_delivered_at'] !== null && row['i_delivered_at'] !== undefined,
    };
  });
}
