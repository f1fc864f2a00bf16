import type { AsyncQueue, ReplyPart, SentMessage } from '@switchboard/core';
import { type DeliveryContext, logFields } from './context';
import { failureFields } from './retry';

/**
 * Native streaming: the adapter consumes the request's parts from `queue` as they arrive. Resolves true
 * when the adapter delivered the reply, false when the engine must fall back to post+edit: the adapter
 * declined (`null`) or failed. Either way the fallback replays the whole reply from the request's state,
 * so nothing is lost — a reply an adapter half-streamed before failing may show twice, never not at all.
 */
export async function deliverNatively(
  context: DeliveryContext,
  queue: AsyncQueue<ReplyPart>,
): Promise<boolean> {
  let consumed = 0;
  const parts: AsyncIterable<ReplyPart> = {
    [Symbol.asyncIterator]: () => {
      const inner = queue[Symbol.asyncIterator]();
      return {
        next: async () => {
          const result = await inner.next();
          if (result.done !== true) consumed += 1;
          return result;
        },
        return: async () => (await inner.return?.()) ?? { done: true, value: undefined },
      };
    },
  };
  try {
    const shown: SentMessage[] = [];
    const sent = await context.adapter.stream?.(context.address, parts, context.signal, (message) => {
      shown.push(message);
      context.journal.sent(context.requestId, [...shown]);
    });
    if (sent !== null && sent !== undefined) {
      if (!shown.some((message) => message.id === sent.id)) {
        shown.push(sent);
        context.journal.sent(context.requestId, [...shown]);
      }
      return true;
    }
    if (consumed > 0) {
      context.logger.warn(
        logFields(context, { consumed }),
        'adapter declined native streaming after consuming parts; delivering by post and edit',
      );
    } else {
      context.logger.debug(
        logFields(context),
        'adapter declined native streaming; delivering by post and edit',
      );
    }
  } catch (error) {
    context.signal.throwIfAborted();
    context.logger.warn(
      logFields(context, { consumed, ...failureFields(error) }),
      'native stream failed; delivering by post and edit',
    );
  } finally {
    queue.close();
  }
  return false;
}
