import type { ConversationRecord, MemoryRecord, MemorySource } from '@switchboard/memory';
import { embedOrSkip, type MemoryServices } from './recall';
import { keepScopeOf } from './scope';

/** The longest fact kept (by `/remember`, the `remember` tool or extraction), in characters. */
export const MEMORY_MAX_CHARACTERS = 2000;

/** A fact to keep, where it was said, and for whom. */
export interface FactToKeep {
  readonly fact: string;
  readonly source: MemorySource;
  readonly conversation: ConversationRecord;
  readonly personId: string;
}

/**
 * Keep one fact with its embedding (when an embedder is set): the person's own memory, or the channel's
 * team memory where team memory is on. The caller checks the fact's length.
 */
export async function keepMemory(
  services: MemoryServices,
  keep: FactToKeep,
  signal: AbortSignal,
): Promise<MemoryRecord & { readonly team: boolean }> {
  const scope = keepScopeOf(keep.conversation);
  const embedding = await embedOrSkip(services, keep.fact, signal);
  const kept = await services.store.addMemory({
    personId: keep.personId,
    content: keep.fact,
    source: keep.source,
    conversationKey: keep.conversation.key,
    embedding,
    ...scope,
  });
  return { ...kept, team: scope.channelKey !== undefined };
}
