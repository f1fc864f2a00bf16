import type { ConversationRecord } from '@switchboard/memory';
import { type AnyTool, defineTool } from '@switchboard/tools';
import { z } from 'zod';
import { keepMemory, MEMORY_MAX_CHARACTERS } from '../memory/keep';
import { type MemoryServices, recallFor } from '../memory/recall';

/** The most memories one `recall` call returns. */
const RECALL_TOOL_MAX = 20;

/** Whose call this is: the task's conversation and the person who asked (found from the task id). */
async function askerOf(
  services: MemoryServices,
  taskId: string,
): Promise<{ conversation: ConversationRecord; personId: string }> {
  const task = await services.store.getTask(taskId);
  const conversation = task && (await services.store.getConversation(task.conversationKey));
  if (!task || !conversation) throw new Error('this call belongs to no known conversation');
  return { conversation, personId: await services.store.personFor(task.authorId) };
}

/**
 * `remember` (`write`: it asks the owner like any write, unless allowed for the conversation): keep a
 * fact for later conversations, as `/remember` does (the channel's team memory where it is on).
 */
export function rememberTool(services: MemoryServices): AnyTool {
  return defineTool({
    name: 'remember',
    description:
      'Keep a fact about the user for later conversations (a name, a date, a preference, a decision). Write it as one short sentence that makes sense on its own.',
    input: z.object({
      fact: z
        .string()
        .trim()
        .min(1, 'say what to remember')
        .max(MEMORY_MAX_CHARACTERS, `keep facts under ${MEMORY_MAX_CHARACTERS} characters`),
    }),
    risk: 'write',
    summarize: ({ fact }) => fact,
    run: async ({ fact }, context) => {
      const { conversation, personId } = await askerOf(services, context.taskId);
      const kept = await keepMemory(
        services,
        { fact, source: 'tool', conversation, personId },
        context.signal,
      );
      const where = kept.team ? ' as a team memory of this channel' : '';
      return { text: `Remembered${where} as memory #${kept.id}.` };
    },
  });
}

/**
 * `recall` (`read`): search what the user's memories hold (their own in a direct chat, the channel's team
 * memories where team memory is on) by words and meaning, best first, each with its id and date.
 */
export function recallTool(services: MemoryServices): AnyTool {
  return defineTool({
    name: 'recall',
    description:
      'Search the long-term memories kept for this user (facts they told you earlier, on any of their apps), best match first, each with the date it was noted.',
    input: z.object({
      query: z.string().trim().min(1, 'say what to look for'),
      limit: z.number().int().min(1).max(RECALL_TOOL_MAX).optional(),
    }),
    risk: 'read',
    summarize: ({ query }) => query,
    run: async ({ query, limit }, context) => {
      const { conversation, personId } = await askerOf(services, context.taskId);
      if (!conversation.direct && !conversation.teamMemory)
        return { text: 'No memories are recalled in this shared channel (team memory is off here).' };
      const found = await recallFor(services, conversation, personId, query, context.signal, limit ?? 5);
      if (found.length === 0) return { text: `No memory matches "${query}".` };
      return {
        text: found
          .map((memory) => `#${memory.id} (${memory.createdAt.toISOString().slice(0, 10)}) ${memory.content}`)
          .join('\n'),
      };
    },
  });
}

/** The memory tools the agent adds to every registry it is given. */
export function memoryTools(services: MemoryServices): AnyTool[] {
  return [rememberTool(services), recallTool(services)];
}
