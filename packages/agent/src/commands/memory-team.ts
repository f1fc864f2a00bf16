import { conversationKey } from '@switchboard/core';
import { type CommandHandler, say } from './context';

/**
 * `/memory team on|off`: in a shared channel, let memories kept here be recalled for everyone in it. Only
 * an owner of the box or an admin of the place may change it; `/memory` shows the setting.
 */
export const memory: CommandHandler = async (context) => {
  const { event, services, role } = context;
  const args = context.args.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const conversation = await services.store.ensureConversation(event.conversation);
  const state = conversation.teamMemory ? 'on' : 'off';
  if (args.length === 0)
    return say(
      context,
      `Team memory is ${state} here. /memory team on|off changes it; /memories lists yours.`,
    );
  const [what, value] = args;
  if (what !== 'team' || (value !== 'on' && value !== 'off'))
    return say(context, 'Use /memory team on or /memory team off.');
  if (event.conversation.direct)
    return say(
      context,
      'Team memory is for shared channels; in a direct chat your memories are always yours.',
    );
  if (role !== 'owner' && event.author.admin !== true)
    return say(context, 'Only an owner of this box or an admin here can change team memory.');
  await services.store.setTeamMemory(conversationKey(event.conversation), value === 'on');
  return say(
    context,
    value === 'on'
      ? 'Team memory is on: facts kept here with /remember are recalled for everyone in this channel.'
      : 'Team memory is off: nothing kept is recalled in this channel.',
  );
};
