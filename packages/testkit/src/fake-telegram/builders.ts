import type { TgEntity } from './types';

/**
 * The entities Telegram attaches to a typed text: `bot_command` for every `/command` (with its
 * `@botname` suffix) at the start of a word, `mention` for every `@username`. Offsets and lengths are
 * UTF-16 code units, as in the Bot API.
 */
export function deriveEntities(text: string): TgEntity[] {
  const entities: TgEntity[] = [];
  const commands = /(^|[\s])(\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?)(?![A-Za-z0-9_@])/g;
  for (const match of text.matchAll(commands)) {
    const offset = (match.index ?? 0) + (match[1]?.length ?? 0);
    entities.push({ type: 'bot_command', offset, length: match[2]?.length ?? 0 });
  }
  const mentions = /(^|[^A-Za-z0-9_/@])(@[A-Za-z0-9_]{5,32})(?![A-Za-z0-9_])/g;
  for (const match of text.matchAll(mentions)) {
    const offset = (match.index ?? 0) + (match[1]?.length ?? 0);
    entities.push({ type: 'mention', offset, length: match[2]?.length ?? 0 });
  }
  return entities.sort((a, b) => a.offset - b.offset);
}
