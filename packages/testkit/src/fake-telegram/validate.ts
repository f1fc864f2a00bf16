import { ApiFailure } from './failures';
import { MarkupError, parseMarkup } from './markup';
import type { TgEntity, TgInlineKeyboard } from './types';

/** Telegram's limit on a message's text, after entities parsing. */
export const MAX_TEXT_LENGTH = 4096;
/** Telegram's limit on a button's `callback_data`, in bytes. */
export const MAX_CALLBACK_DATA_BYTES = 64;

/** A chat id parameter as a number (Telegram also accepts numeric strings). */
export function chatIdOf(params: Readonly<Record<string, unknown>>): number | undefined {
  const raw = params['chat_id'];
  const id =
    typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN;
  return Number.isSafeInteger(id) ? id : undefined;
}

/** An integer parameter, or undefined. */
export function integerOf(value: unknown): number | undefined {
  const number =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^-?\d+$/.test(value)
        ? Number(value)
        : Number.NaN;
  return Number.isSafeInteger(number) ? number : undefined;
}

/** The text as shown, trimmed like Telegram trims it, with entities shifted to match. */
export function parseText(
  raw: unknown,
  parseMode: unknown,
  options: { readonly allowEmpty?: boolean } = {},
): { readonly text: string; readonly entities: TgEntity[] } {
  if (raw === undefined || raw === null) {
    if (options.allowEmpty) return { text: '', entities: [] };
    throw ApiFailure.badRequest('message text is empty');
  }
  if (typeof raw !== 'string') throw ApiFailure.badRequest('text must be a string');
  let parsed: { text: string; entities: TgEntity[] };
  try {
    parsed = parseMarkup(raw, parseMode);
  } catch (error) {
    if (error instanceof MarkupError) throw ApiFailure.badRequest(`can't parse entities: ${error.message}`);
    throw error;
  }
  const lead = parsed.text.length - parsed.text.trimStart().length;
  const text = parsed.text.trim();
  const entities = parsed.entities
    .map((entity) => {
      const offset = Math.max(0, entity.offset - lead);
      const end = Math.min(text.length, entity.offset - lead + entity.length);
      return { ...entity, offset, length: end - offset };
    })
    .filter((entity) => entity.length > 0);
  if (text.length === 0 && !options.allowEmpty) throw ApiFailure.badRequest('message text is empty');
  if (text.length > MAX_TEXT_LENGTH) throw ApiFailure.badRequest('message is too long');
  return { text, entities };
}

/** `reply_markup` checked like Telegram checks inline keyboards; undefined when absent. */
export function parseKeyboard(raw: unknown): TgInlineKeyboard | undefined {
  if (raw === undefined || raw === null) return undefined;
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw ApiFailure.badRequest("can't parse reply keyboard markup JSON object");
    }
  }
  const rows = (value as { inline_keyboard?: unknown } | null)?.inline_keyboard;
  if (!Array.isArray(rows))
    throw ApiFailure.badRequest('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array');
  for (const row of rows) {
    if (!Array.isArray(row))
      throw ApiFailure.badRequest(
        'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays',
      );
    for (const button of row as unknown[]) {
      const { text, callback_data: data, url } = (button ?? {}) as Record<string, unknown>;
      if (typeof text !== 'string' || text.trim() === '')
        throw ApiFailure.badRequest('text buttons are unallowed in the inline keyboard');
      if (data === undefined && url === undefined) throw ApiFailure.badRequest('BUTTON_TYPE_INVALID');
      if (data !== undefined) {
        if (typeof data !== 'string') throw ApiFailure.badRequest('BUTTON_DATA_INVALID');
        const bytes = Buffer.byteLength(data, 'utf8');
        if (bytes < 1 || bytes > MAX_CALLBACK_DATA_BYTES) throw ApiFailure.badRequest('BUTTON_DATA_INVALID');
      }
    }
  }
  return value as TgInlineKeyboard;
}

/** `setMyCommands`' `commands`, checked like Telegram does. */
export function parseCommands(raw: unknown): { command: string; description: string }[] {
  const value = typeof raw === 'string' ? (JSON.parse(raw) as unknown) : raw;
  if (!Array.isArray(value)) throw ApiFailure.badRequest('parameter "commands" must be an Array');
  if (value.length > 100) throw ApiFailure.badRequest('too many commands');
  return value.map((entry: unknown) => {
    const { command, description } = (entry ?? {}) as Record<string, unknown>;
    if (typeof command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(command))
      throw ApiFailure.badRequest('BOT_COMMAND_INVALID');
    if (typeof description !== 'string' || description.length < 1 || description.length > 256) {
      throw ApiFailure.badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
    }
    return { command, description };
  });
}

/** Telegram's rule for `secret_token`. */
export function checkSecretToken(raw: unknown): string | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string' || !/^[A-Za-z0-9_-]{1,256}$/.test(raw)) {
    throw ApiFailure.badRequest('secret token contains unallowed characters');
  }
  return raw;
}
