import { REFUSAL } from '../access';
import type { Middleware } from './compose';
import type { EventContext } from './context';

/**
 * Access: who may command the box, from configuration only. A stranger gets one polite refusal and
 * causes no database read and no model call; everyone else goes on with `admitted` set.
 */
export const authorize: Middleware<EventContext> = async (context, next) => {
  const decision = context.services.access.authorize(context.event);
  if (!decision.allowed) {
    context.log.info({ identity: decision.identity }, 'refused an unknown author');
    await context.reply.send({ type: 'error', code: 'unauthorized', message: REFUSAL });
    return;
  }
  context.admitted = { identity: decision.identity, role: decision.role };
  await next();
};
