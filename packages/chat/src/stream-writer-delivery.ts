import type { SentMessage, StreamWriter } from '@switchboard/core';
import { postApproval } from './approval';
import { type DeliveryContext, logFields } from './context';
import { Pacer } from './pacer';
import { finalChunks, finalText } from './render';
import { backoffDelay, classifyFailure, failureFields, gated, persist } from './retry';
import { editMessage, postFinal } from './send';

/** A cut ends on whitespace when one lies within this many characters of it. */
const WORD_REACH = 200;
/**
 * A status is shown only once it has stood this long without text replacing it: a quick answer's
 * "thinking…" costs no platform call, a tool that runs for seconds shows what it does.
 */
export const STATUS_DELAY_MS = 1000;

/** What one streamed message holds so far. */
interface Stream {
  readonly sent: SentMessage;
  /** The text the platform has accepted, in order. */
  streamed: string;
  /** An append failed for good: the final text rewrites the message. */
  broken: boolean;
  /** The status line the platform shows with the stream (`''`: none). */
  shownStatus: string;
  /** The reply's status as last seen, and since when (for {@link STATUS_DELAY_MS}). */
  seenStatus: string;
  seenSince: number;
  /** The status calls, one after another, apart from the appends (a slow or limited one holds no text). */
  statusCalls: Promise<void>;
}

/**
 * Delivery through the adapter's {@link StreamWriter} (Slack's native stream): the engine starts the
 * message (recorded at once), appends the streamed text at the request's pace and the adapter's `append`
 * gate — whole words only, so a mention split across two deltas is appended whole — posts approvals
 * below as they come while the stream goes on, and at the end appends what is missing, stops the stream
 * and puts the final text right: rewritten by `edit` when it differs from what streamed (or an append
 * failed), the part beyond {@link StreamWriter.messageLength} posted after it. A status that stands
 * {@link STATUS_DELAY_MS} without text is shown with the stream where the writer can (`status`) and
 * cleared when text comes or the reply ends. `start` is not paced
 * (the adapter declines or starts at once); the final calls carry no newer text to coalesce, so they
 * go at the adapter's gate and retry-afters only, not the request's interval. Resolves false, having
 * posted nothing, when the writer declined (`null`) or could not start: the engine then posts and edits.
 */
export async function deliverIntoStream(context: DeliveryContext, writer: StreamWriter): Promise<boolean> {
  const { state } = context;
  let sent: SentMessage | null;
  try {
    sent = await writer.start(context.address, context.signal);
  } catch (error) {
    context.signal.throwIfAborted();
    context.logger.warn(
      logFields(context, failureFields(error)),
      'native stream not started; delivering by post and edit',
    );
    return false;
  }
  if (sent === null) return false;
  context.journal.sent(context.requestId, [sent]);
  const stream: Stream = {
    sent,
    streamed: '',
    broken: false,
    shownStatus: '',
    seenStatus: '',
    seenSince: 0,
    statusCalls: Promise.resolve(),
  };
  try {
    let failures = 0;
    for (;;) {
      const approval = state.approvals.shift();
      if (approval !== undefined) {
        await postApproval(context, approval.part);
        continue;
      }
      if (state.end !== undefined) break;
      const statusDue = writer.status === undefined ? undefined : statusWait(stream, state.status ?? '');
      if (statusDue === 0) {
        showStatus(context, writer, stream, stream.seenStatus);
        continue;
      }
      const next = stream.broken ? '' : nextAppend(stream, state.text, writer, false);
      if (next === '') {
        await state.changed(context.signal, statusDue);
        continue;
      }
      if (!context.pacer.isReady) {
        await context.pacer.wait(context.address, context.signal);
        continue;
      }
      try {
        await gated(context, 'append', (signal) => writer.append(stream.sent, next, signal));
        stream.streamed += next;
        failures = 0;
      } catch (error) {
        context.signal.throwIfAborted();
        const failure = classifyFailure(error);
        if (failure.kind === 'retryable' && ++failures < context.settings.retry.maxAttempts)
          context.pacer.holdFor(backoffDelay(context.settings.retry, failures));
        else if (failure.kind !== 'rate-limited') breakStream(context, stream, error);
      }
    }
    if (stream.shownStatus !== '') showStatus(context, writer, stream, '');
    await finish({ ...context, pacer: new Pacer(0) }, writer, stream);
  } catch (error) {
    await stop(context, writer, stream);
    throw error;
  }
  return true;
}

/**
 * Milliseconds until the reply's status should be shown with the stream; 0 when it (or clearing it)
 * is due now, undefined when the platform already shows it. Notes on `stream` when the status changed.
 */
function statusWait(stream: Stream, status: string): number | undefined {
  const now = Date.now();
  if (status !== stream.seenStatus) {
    stream.seenStatus = status;
    stream.seenSince = now;
  }
  if (status === stream.shownStatus) return undefined;
  if (status === '') return 0;
  return Math.max(0, stream.seenSince + STATUS_DELAY_MS - now);
}

/**
 * Show `status` with the stream (or clear it), best effort and in the background: the calls go one after
 * another at the adapter's `typing` gate, and a failure is logged; the appends never wait for them.
 */
function showStatus(context: DeliveryContext, writer: StreamWriter, stream: Stream, status: string): void {
  stream.shownStatus = status;
  stream.statusCalls = stream.statusCalls.then(async () => {
    try {
      await gated(
        context,
        'typing',
        (signal) => writer.status?.(stream.sent, status, signal) ?? Promise.resolve(),
      );
    } catch (error) {
      if (!context.signal.aborted)
        context.logger.debug(
          logFields(context, failureFields(error)),
          'status line not shown with the stream',
        );
    }
  });
}

/**
 * The next piece of `text` to append: what follows the streamed text, at most `appendLength` and no
 * further than the message's room, cut after whole words (a message the stream fills never ends in half
 * a word). While the reply is still streaming a trailing partial word waits for the next delta, unless
 * a whole append's worth has no break.
 */
function nextAppend(stream: Stream, text: string, writer: StreamWriter, final: boolean): string {
  if (!text.startsWith(stream.streamed)) return '';
  const pending = text.slice(stream.streamed.length);
  const room = Math.min(writer.appendLength, writer.messageLength - stream.streamed.length);
  if (room <= 0 || pending === '') return '';
  if (final && pending.length <= room) return pending;
  const cut = pending.slice(0, room);
  const full = room < writer.appendLength;
  const space = Math.max(cut.lastIndexOf(' '), cut.lastIndexOf('\n'));
  if (space >= 0 && (full || pending.length <= room || cut.length - space <= WORD_REACH))
    return cut.slice(0, space + 1);
  if (full) return '';
  return pending.length > room ? cut : '';
}

function breakStream(context: DeliveryContext, stream: Stream, error: unknown): void {
  stream.broken = true;
  context.logger.warn(
    logFields(context, { method: 'append', ...failureFields(error) }),
    'stream append failed; the final text will rewrite the message',
  );
}

/** Append what the final text adds, stop the stream, then rewrite the message or post the rest. */
async function finish(context: DeliveryContext, writer: StreamWriter, stream: Stream): Promise<void> {
  const { end } = context.state;
  if (end === undefined) return;
  const maxLength = context.adapter.limits.maxLength;
  const text = finalText(end, context.state.text);
  const shown = text.trim() === '' ? (finalChunks(text, maxLength)[0] ?? text) : text;
  for (let next = nextAppend(stream, shown, writer, true); !stream.broken && next !== ''; ) {
    const piece = next;
    try {
      await persist(context, 'append', (signal) => writer.append(stream.sent, piece, signal));
      stream.streamed += piece;
    } catch (error) {
      context.signal.throwIfAborted();
      breakStream(context, stream, error);
    }
    next = nextAppend(stream, shown, writer, true);
  }
  await stop(context, writer, stream);
  const rewrite = stream.broken || !shown.startsWith(stream.streamed);
  const posted: SentMessage[] = [stream.sent];
  if (rewrite) {
    const [first = shown, ...others] = finalChunks(shown, maxLength);
    try {
      await persist(context, 'edit', (signal) =>
        editMessage(context, stream.sent, { text: first, final: true }, signal),
      );
    } catch (error) {
      context.signal.throwIfAborted();
      context.logger.error(logFields(context, failureFields(error)), 'final reply could not be delivered');
      return;
    }
    await postAfter(context, others, posted);
    return;
  }
  const rest = shown.slice(stream.streamed.length);
  if (rest.trim() !== '') await postAfter(context, finalChunks(rest, maxLength), posted);
}

/** Post `chunks` in order below the streamed message, recording each; stops at the first that fails. */
async function postAfter(
  context: DeliveryContext,
  chunks: readonly string[],
  posted: SentMessage[],
): Promise<void> {
  for (const chunk of chunks) {
    const message = await postFinal(context, chunk);
    if (message === undefined) return;
    posted.push(message);
    context.journal.sent(context.requestId, posted);
  }
}

async function stop(context: DeliveryContext, writer: StreamWriter, stream: Stream): Promise<void> {
  try {
    await writer.stop(stream.sent, context.signal);
  } catch (error) {
    context.logger.warn(logFields(context, failureFields(error)), 'stream could not be stopped');
  }
}
