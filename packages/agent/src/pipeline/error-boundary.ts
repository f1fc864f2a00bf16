import { describeError, describeErrorBriefly } from '@switchboard/core';
import { INTERNAL_ERROR_MESSAGE } from '../replies';
import type { Middleware } from './compose';
import type { EventContext } from './context';

/**
 * The outermost middleware. Nothing below it can take the worker down or leave the user without an
 * answer: an error anywhere is logged with the event it happened in, and a request that ended without
 * its final part gets one `internal` error part, which also ends its task `failed` (the reply channel ends
 * the task with its final part), so no exception leaves a task open. Logs above debug level carry a brief
 * description of the error, never the message text a database error quotes. Never rejects, so the bus does not redeliver an event
 * that failed for a reason another delivery would meet again.
 */
export const errorBoundary: Middleware<EventContext> = async (context, next) => {
  const { reply, log } = context;
  try {
    await next();
    if (reply.ended || reply.left || reply.inBackground) return;
    log.error('the request ended without a final part');
  } catch (error) {
    log.error({ err: describeErrorBriefly(error) }, 'handling the event failed');
    log.debug({ err: describeError(error) }, 'handling the event failed (in full)');
    if (reply.ended || reply.left) return;
  }
  try {
    await reply.send({ type: 'error', code: 'internal', message: INTERNAL_ERROR_MESSAGE });
  } catch (error) {
    log.error({ err: describeErrorBriefly(error) }, 'could not tell the user the request failed');
  }
};
