import { cleanText } from '@switchboard/core';
import { sql } from 'drizzle-orm';
import type { MemoryDatabase } from './drizzle-store';
import { jsonb, rows } from './raw-rows';
import type { TaskEnd } from './records';

/** One task's ending as {@link endTasks} takes it: one element of the statement's `jsonb` array. */
export interface EndingRow {
  readonly task_id: string;
  readonly status: TaskEnd['status'];
  readonly reply: TaskEnd['reply'];
  readonly model: string | null;
  readonly route_reason: string | null;
  readonly input_tokens: number | null;
  readonly output_tokens: number | null;
  readonly cost_usd: number | null;
  readonly time_to_first_token_ms: number | null;
  readonly duration_ms: number | null;
  readonly finish_reason: string | null;
  readonly error_code: string | null;
  readonly error_message: string | null;
  readonly owes_delivery: boolean;
  readonly turns: readonly {
    readonly conversation_key: string;
    readonly role: string;
    readonly content: string;
    readonly task_id: string | null;
    readonly author_id: string | null;
  }[];
  readonly events: readonly { readonly type: string; readonly data: unknown }[];
}

/** `end` of task `taskId` as a row of the ending statement (an unset column stays as it is). */
export function endingRow(taskId: string, end: TaskEnd): EndingRow {
  const patch = end.patch ?? {};
  const error = end.reply.type === 'error' ? { code: end.reply.code, message: end.reply.message } : undefined;
  const message = patch.errorMessage ?? error?.message;
  return {
    task_id: taskId,
    status: end.status,
    reply: end.reply,
    model: patch.model ?? null,
    route_reason: patch.routeReason ?? null,
    input_tokens: patch.inputTokens ?? null,
    output_tokens: patch.outputTokens ?? null,
    cost_usd: patch.costUsd ?? null,
    time_to_first_token_ms: patch.timeToFirstTokenMs ?? null,
    duration_ms: patch.durationMs ?? null,
    finish_reason: patch.finishReason ?? null,
    error_code: patch.errorCode ?? error?.code ?? null,
    error_message: message === undefined ? null : cleanText(message),
    owes_delivery: end.owesDelivery,
    turns: (end.messages ?? []).map((turn) => ({
      conversation_key: turn.conversationKey,
      role: turn.role,
      content: turn.content,
      task_id: turn.taskId ?? null,
      author_id: turn.authorId ?? null,
    })),
    events: (end.events ?? []).map((event) => ({ type: event.type, data: event.data ?? null })),
  };
}

/**
 * End the open tasks among `endings` in one statement (one round trip, one commit): each gets its status,
 * final reply and patch, and its turns and events are stored in order — only for a task that was still
 * open. Returns, in order, whether each task was ended by it — or already carries this very ending (the
 * same ending sent again after a statement that committed but whose answer was lost: the caller must
 * still send its final part). The statement's text never changes, so it is prepared once per connection.
 */
export async function endTasks(db: MemoryDatabase, endings: readonly EndingRow[]): Promise<boolean[]> {
  const found = await rows(
    db,
    sql`with input as (
      select * from rows from (jsonb_to_recordset(${jsonb(endings)}) as (
        task_id text, status text, reply jsonb, model text, route_reason text, input_tokens int,
        output_tokens int, cost_usd numeric, time_to_first_token_ms int, duration_ms int, finish_reason text,
        error_code text, error_message text, owes_delivery boolean, turns jsonb, events jsonb))
      with ordinality as i(task_id, status, reply, model, route_reason, input_tokens, output_tokens, cost_usd,
        time_to_first_token_ms, duration_ms, finish_reason, error_code, error_message, owes_delivery, turns,
        events, position)
    ),
    ended as (
      update tasks t set status = i.status, reply = i.reply, finished_at = now(),
        model = coalesce(i.model, t.model),
        route_reason = coalesce(i.route_reason, t.route_reason),
        input_tokens = coalesce(i.input_tokens, t.input_tokens),
        output_tokens = coalesce(i.output_tokens, t.output_tokens),
        cost_usd = coalesce(i.cost_usd, t.cost_usd),
        time_to_first_token_ms = coalesce(i.time_to_first_token_ms, t.time_to_first_token_ms),
        duration_ms = coalesce(i.duration_ms, t.duration_ms),
        finish_reason = coalesce(i.finish_reason, t.finish_reason),
        error_code = coalesce(i.error_code, t.error_code),
        error_message = coalesce(i.error_message, t.error_message),
        lease_owner = case when i.owes_delivery then t.lease_owner end,
        lease_expires_at = case when i.owes_delivery then t.lease_expires_at end
      from input i
      where t.id = i.task_id and t.status in ('queued', 'running', 'waiting')
      returning t.id
    ),
    remembered as (
      insert into messages (conversation_key, role, content, task_id, author_id)
      select v.conversation_key, v.role, v.content, v.task_id, v.author_id
      from input i join ended e on e.id = i.task_id
      cross join lateral rows from (jsonb_to_recordset(i.turns)
        as (conversation_key text, role text, content text, task_id text, author_id text))
        with ordinality as v(conversation_key, role, content, task_id, author_id, position)
      order by i.position, v.position
    ),
    noted as (
      insert into task_events (task_id, type, data)
      select i.task_id, v.type, v.data
      from input i join ended e on e.id = i.task_id
      cross join lateral rows from (jsonb_to_recordset(i.events) as (type text, data jsonb))
        with ordinality as v(type, data, position)
      order by i.position, v.position
    )
    select i.task_id as id,
      (e.id is not null or (t.status = i.status and t.reply = i.reply)) as ended
    from input i
    left join ended e on e.id = i.task_id
    left join tasks t on t.id = i.task_id
    order by i.position`,
    { prepared: true },
  );
  return found.map((row) => row['ended'] === true);
}
