import type {
  ConversationRecord,
  QuestionContext,
  RecalledMemory,
  StoredEmbedding,
} from '@switchboard/memory';
import type { AgentServices } from '../services';
import { recallScopeOf } from './scope';

/** What keeping and recalling memories needs of the agent's services (the memory tools get only this). */
export type MemoryServices = Pick<AgentServices, 'store' | 'embedder' | 'logger' | 'memory'>;

/** The question's embedding, or undefined when no embedder is set or it fails (recall then uses words only). */
export async function embedOrSkip(
  services: Pick<MemoryServices, 'embedder' | 'logger'>,
  text: string,
  signal: AbortSignal,
): Promise<StoredEmbedding | undefined> {
  const { embedder } = services;
  if (!embedder) return undefined;
  try {
    const [vector] = await embedder.embed([text], signal);
    return vector ? { model: embedder.ref, vector } : undefined;
  } catch (error) {
    services.logger.warn({ err: error, embedder: embedder.ref }, 'embedding failed; recalling by words only');
    return undefined;
  }
}

/**
 * The memories to put before a question (top-k, best first; `limit` default `MEMORY_RECALL_LIMIT`), within
 * the conversation's recall scope.
 */
export async function recallFor(
  services: MemoryServices,
  conversation: ConversationRecord,
  personId: string,
  question: string,
  signal: AbortSignal,
  limit = services.memory.recallLimit,
): Promise<RecalledMemory[]> {
  const scope = recallScopeOf(conversation, personId);
  if (limit <= 0 || !scope) return [];
  const embedding = await embedOrSkip(services, question, signal);
  return services.store.recallMemories({ ...scope, text: question, embedding, limit });
}

/**
 * Recall for a question from its {@link QuestionContext}: no query at all when neither the person nor the
 * channel the conversation may recall from keeps a memory (the common case stays within ADR 0030's round
 * trips). A person seen for the first time is made here.
 */
export async function recallWithin(
  services: AgentServices,
  conversation: ConversationRecord,
  context: QuestionContext,
  identity: string,
  question: string,
  signal: AbortSignal,
): Promise<RecalledMemory[]> {
  const personId = context.personId ?? (await services.store.personFor(identity));
  const scope = recallScopeOf(conversation, personId);
  if (scope === undefined) return [];
  const remembers = scope.channelKey !== undefined ? context.channelRemembers : context.personRemembers;
  if (!remembers) return [];
  return recallFor(services, conversation, personId, question, signal);
}

/** The recalled memories as a system message, each with the day it was kept; undefined when none. */
export function recallMessage(memories: readonly RecalledMemory[]): string | undefined {
  if (memories.length === 0) return undefined;
  const lines = memories.map(
    (memory) => `- (${memory.createdAt.toISOString().slice(0, 10)}) ${memory.content}`,
  );
  return ['What you remember that may help (with the date each was noted):', ...lines].join('\n');
}
