import type { ChatStore, StoredMessage } from './chats';
import { signatureOf } from './chats';
import { ApiFailure } from './failures';
import type { TgInlineKeyboard, TgMessage, TgUser } from './types';
import type { UpdateQueue } from './updates';
import { chatIdOf, checkSecretToken, integerOf, parseCommands, parseKeyboard, parseText } from './validate';

/** Everything the Bot API methods read and change. */
export interface ApiState {
  readonly bot: TgUser & { readonly username: string };
  readonly chats: ChatStore;
  readonly updates: UpdateQueue;
  readonly maxHoldMs: number;
  readonly drafts: boolean;
  webhook: { url: string; secret: string | undefined } | undefined;
  commands: { command: string; description: string }[];
  /** Callback query ids pushed and not answered yet. */
  readonly openQueries: Set<string>;
  readonly callbackAnswers: Map<string, { text?: string }>;
  /** Called after setWebhook, to deliver what is pending. */
  readonly onWebhookSet: () => void;
}

/** Per-request hooks a method may need (a held poll ends when the client goes away). */
export interface CallContext {
  readonly onClose: (cancel: () => void) => void;
}

type Params = Readonly<Record<string, unknown>>;
type Method = (params: Params, state: ApiState, call: CallContext) => unknown;

const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);

function knownChat(params: Params, state: ApiState) {
  const id = chatIdOf(params);
  if (id === undefined) throw ApiFailure.badRequest('chat_id is empty');
  const chat = state.chats.chat(id);
  if (chat === undefined) throw ApiFailure.badRequest('chat not found');
  return chat;
}

function replyTarget(params: Params, state: ApiState, chatId: number): TgMessage | undefined {
  const reply = params['reply_parameters'];
  const parsed =
    typeof reply === 'string'
      ? (JSON.parse(reply) as Record<string, unknown>)
      : (reply as Record<string, unknown> | undefined);
  const messageId = integerOf(parsed?.['message_id'] ?? params['reply_to_message_id']);
  if (messageId === undefined) return undefined;
  const stored = state.chats.find(chatId, messageId);
  const allow =
    parsed?.['allow_sending_without_reply'] === true || params['allow_sending_without_reply'] === true;
  if (stored === undefined && !allow) throw ApiFailure.badRequest('message to be replied not found');
  return stored?.message;
}

/** The bot's own message an edit names, or the error Telegram gives for it. */
function editableMessage(params: Params, state: ApiState): StoredMessage {
  if (params['inline_message_id'] !== undefined)
    throw ApiFailure.badRequest('inline messages are not supported by the fake');
  const chat = knownChat(params, state);
  const messageId = integerOf(params['message_id']);
  if (messageId === undefined) throw ApiFailure.badRequest('message identifier is not specified');
  const stored = state.chats.find(chat.id, messageId);
  if (stored === undefined) throw ApiFailure.badRequest('message to edit not found');
  if (stored.message.from?.id !== state.bot.id) throw ApiFailure.badRequest("message can't be edited");
  return stored;
}

/** Put `next` in place of the stored message, or refuse an edit that changes nothing, as Telegram does. */
function replaceMessage(stored: StoredMessage, next: TgMessage): void {
  const signature = signatureOf(next);
  if (signature === stored.signature) {
    throw ApiFailure.badRequest(
      'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
    );
  }
  stored.message = next;
  stored.signature = signature;
}

const sameKeyboard = (keyboard: TgInlineKeyboard | undefined) => (keyboard ? { reply_markup: keyboard } : {});

/** The Bot API methods the fake speaks, by name. */
export const METHODS: Readonly<Record<string, Method>> = {
  getMe: (_params, state) => ({
    ...state.bot,
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
  }),

  getUpdates: async (params, state, call) => {
    if (state.webhook) {
      throw new ApiFailure(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    }
    const limit = Math.min(100, Math.max(1, integerOf(params['limit']) ?? 100));
    const timeout = Math.max(0, integerOf(params['timeout']) ?? 0);
    const allowedRaw = params['allowed_updates'];
    const allowed =
      typeof allowedRaw === 'string'
        ? (JSON.parse(allowedRaw) as string[])
        : (allowedRaw as string[] | undefined);
    const outcome = await state.updates.poll(
      {
        offset: integerOf(params['offset']) ?? 0,
        limit,
        holdMs: Math.min(timeout * 1000, state.maxHoldMs),
        ...(Array.isArray(allowed) ? { allowed } : {}),
      },
      call.onClose,
    );
    if ('conflict' in outcome) {
      throw new ApiFailure(
        409,
        'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
      );
    }
    return outcome.updates;
  },

  sendMessage: (params, state) => {
    const chat = knownChat(params, state);
    const { text, entities } = parseText(params['text'], params['parse_mode']);
    const keyboard = parseKeyboard(params['reply_markup']);
    const replyTo = replyTarget(params, state, chat.id);
    const thread = integerOf(params['message_thread_id']);
    return state.chats.add(chat, state.bot, text, {
      entities,
      ...sameKeyboard(keyboard),
      ...(replyTo ? { reply_to_message: replyTo } : {}),
      ...(thread !== undefined ? { message_thread_id: thread } : {}),
    });
  },

  editMessageText: (params, state) => {
    const stored = editableMessage(params, state);
    const { text, entities } = parseText(params['text'], params['parse_mode']);
    const keyboard = parseKeyboard(params['reply_markup']);
    const { reply_markup: _old, entities: _oldEntities, ...rest } = stored.message;
    const next: TgMessage = {
      ...rest,
      text,
      ...(entities.length > 0 ? { entities } : {}),
      ...sameKeyboard(keyboard),
      edit_date: Math.floor(Date.now() / 1000),
    };
    replaceMessage(stored, next);
    stored.versions.push(text);
    return next;
  },

  editMessageReplyMarkup: (params, state) => {
    const stored = editableMessage(params, state);
    const keyboard = parseKeyboard(params['reply_markup']);
    const { reply_markup: _old, ...rest } = stored.message;
    const next: TgMessage = {
      ...rest,
      ...sameKeyboard(keyboard),
      edit_date: Math.floor(Date.now() / 1000),
    };
    replaceMessage(stored, next);
    return next;
  },

  sendMessageDraft: (params, state) => {
    if (!state.drafts) throw new ApiFailure(404, 'Not Found');
    const chat = knownChat(params, state);
    if (chat.type !== 'private')
      throw ApiFailure.badRequest('message drafts can be sent only to private chats');
    const draftId = integerOf(params['draft_id']);
    if (draftId === undefined || draftId === 0) throw ApiFailure.badRequest('draft_id must be non-zero');
    parseText(params['text'], params['parse_mode'], { allowEmpty: true });
    return true;
  },

  sendChatAction: (params, state) => {
    knownChat(params, state);
    if (typeof params['action'] !== 'string' || !CHAT_ACTIONS.has(params['action'])) {
      throw ApiFailure.badRequest('wrong parameter action in request');
    }
    return true;
  },

  answerCallbackQuery: (params, state) => {
    const id = params['callback_query_id'];
    if (typeof id !== 'string' || !state.openQueries.has(id)) {
      throw ApiFailure.badRequest('query is too old and response timeout expired or query ID is invalid');
    }
    state.openQueries.delete(id);
    state.callbackAnswers.set(id, typeof params['text'] === 'string' ? { text: params['text'] } : {});
    return true;
  },

  setMyCommands: (params, state) => {
    state.commands = parseCommands(params['commands']);
    return true;
  },

  getMyCommands: (_params, state) => state.commands,

  deleteMyCommands: (_params, state) => {
    state.commands = [];
    return true;
  },

  setWebhook: (params, state) => {
    const url = params['url'];
    if (typeof url !== 'string') throw ApiFailure.badRequest('bad webhook: URL must be a string');
    const secret = checkSecretToken(params['secret_token']);
    if (params['drop_pending_updates'] === true) state.updates.drop();
    if (url === '') {
      state.webhook = undefined;
      return true;
    }
    if (!URL.canParse(url)) throw ApiFailure.badRequest('bad webhook: invalid URL');
    state.webhook = { url, secret };
    state.onWebhookSet();
    return true;
  },

  deleteWebhook: (params, state) => {
    if (params['drop_pending_updates'] === true) state.updates.drop();
    state.webhook = undefined;
    return true;
  },

  getWebhookInfo: (_params, state) => ({
    url: state.webhook?.url ?? '',
    has_custom_certificate: false,
    pending_update_count: state.updates.pendingCount,
  }),
};
