import { ABANDON_ACTION, APPROVAL_ACTION_ID } from '@switchboard/core';
import type { RequestContext } from '../pipeline/context';
import { abandonRequest } from './abandon';
import { decideApproval } from './approval';

/** A handler for one kind of button press; it sends exactly one final part. */
export type ActionHandler = (context: RequestContext) => Promise<void>;

/** Every button the agent answers, by `action.id`. */
export const ACTION_HANDLERS: Readonly<Record<string, ActionHandler>> = {
  [APPROVAL_ACTION_ID]: decideApproval,
  [ABANDON_ACTION]: abandonRequest,
};
