/** A Telegram user, as the Bot API sends it. */
export interface TgUser {
  readonly id: number;
  readonly is_bot: boolean;
  readonly first_name: string;
  readonly last_name?: string;
  readonly username?: string;
}

/** A chat: private (positive id) or group/supergroup (negative id). */
export interface TgChat {
  readonly id: number;
  readonly type: 'private' | 'group' | 'supergroup' | 'channel';
  readonly title?: string;
  readonly first_name?: string;
  readonly username?: string;
  readonly is_forum?: boolean;
}

/** A formatting or semantic span of a text, offsets in UTF-16 code units. */
export interface TgEntity {
  readonly type: string;
  readonly offset: number;
  readonly length: number;
  readonly url?: string;
  readonly user?: TgUser;
  readonly language?: string;
}

/** One inline keyboard button (only callback and URL buttons are modelled). */
export interface TgInlineButton {
  readonly text: string;
  readonly callback_data?: string;
  readonly url?: string;
}

/** `reply_markup` with an inline keyboard. */
export interface TgInlineKeyboard {
  readonly inline_keyboard: readonly (readonly TgInlineButton[])[];
}

/** A message as the Bot API returns and delivers it. */
export interface TgMessage {
  readonly message_id: number;
  readonly from?: TgUser;
  readonly chat: TgChat;
  readonly date: number;
  readonly text?: string;
  readonly entities?: readonly TgEntity[];
  readonly reply_markup?: TgInlineKeyboard;
  readonly reply_to_message?: TgMessage;
  readonly message_thread_id?: number;
  readonly is_topic_message?: boolean;
  readonly edit_date?: number;
}

/** A button press. */
export interface TgCallbackQuery {
  readonly id: string;
  readonly from: TgUser;
  readonly chat_instance: string;
  readonly message?: TgMessage;
  readonly data?: string;
}

/** One update. Only the kinds the box uses are typed; others may be pushed as raw objects. */
export interface TgUpdate {
  readonly update_id: number;
  readonly message?: TgMessage;
  readonly edited_message?: TgMessage;
  readonly callback_query?: TgCallbackQuery;
  readonly [other: string]: unknown;
}

/** How the fake was reached: an HTTP request, or the JSON body of a webhook response (webhookReply). */
export type CallVia = 'http' | 'webhook-reply';

/** One Bot API call the fake received, with what it answered. */
export interface RecordedCall {
  readonly method: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** High-resolution wall-clock time in milliseconds (performance.timeOrigin + performance.now()). */
  readonly at: number;
  readonly via: CallVia;
  /** Set once the fake answered. */
  ok?: boolean;
  errorCode?: number;
  description?: string;
  result?: unknown;
}

/** A failure to inject: the next `times` calls of `method` (optionally to one chat) fail with it. */
export interface InjectedFailure {
  readonly errorCode: number;
  readonly description: string;
  readonly parameters?: { readonly retry_after?: number; readonly migrate_to_chat_id?: number };
  /** Only calls whose `chat_id` is this chat. */
  readonly chatId?: number;
  /** How many calls fail; default 1. */
  readonly times?: number;
}

/** A delivery the fake made to the bot's webhook. */
export interface WebhookDelivery {
  readonly updateId: number;
  readonly status: number;
  readonly at: number;
  /** The response body (a JSON API call when the bot used webhookReply). */
  readonly body: string;
}

/** Options of {@link startFakeTelegram}. */
export interface FakeTelegramOptions {
  /** The bot token the fake accepts (default `123456:TEST-fake-token`). */
  readonly token?: string;
  /** The bot's identity; `id` defaults to the number before the token's colon. */
  readonly bot?: { readonly id?: number; readonly username?: string; readonly firstName?: string };
  /** The longest a `getUpdates` is held, whatever its `timeout` (default 10 s). */
  readonly maxHoldMs?: number;
  /** False emulates a Bot API server without `sendMessageDraft` (404, like any unknown method). */
  readonly drafts?: boolean;
  /** Webhook deliveries answered non-2xx are retried this many times (default 2). */
  readonly webhookRetries?: number;
  /** Milliseconds between webhook retries (default 200). */
  readonly webhookRetryDelayMs?: number;
}

/** Options for building an incoming text message. */
export interface TextOptions {
  readonly from: TgUser;
  /** Default: the private chat with `from`. */
  readonly chat?: TgChat;
  readonly text: string;
  /** The message this one replies to (a message id in the same chat). */
  readonly replyTo?: number;
  /** Entities to send instead of the ones the fake derives (bot_command, mention) from the text. */
  readonly entities?: readonly TgEntity[];
  readonly threadId?: number;
}

/** Options for building a button press. */
export interface PressOptions {
  readonly from: TgUser;
  /** The bot's message carrying the button. */
  readonly message: TgMessage;
  readonly data: string;
}

/** A running fake Bot API server. */
export interface FakeTelegram {
  /** The API root to give the client (`http://127.0.0.1:PORT`). */
  readonly url: string;
  readonly token: string;
  /** The bot's own user, as getMe returns it. */
  readonly bot: TgUser & { readonly username: string };
  /** Every call received, in order. */
  readonly calls: readonly RecordedCall[];
  /** Calls of one method, optionally to one chat. */
  callsTo(method: string, chatId?: number): RecordedCall[];
  /**
   * Resolves with the first call (already made or future) that matches; rejects after `timeoutMs`. A
   * method name matches once that call was answered; a predicate sees each call when it arrives and
   * again when it is answered (`ok` set), so a held getUpdates can be matched while it is held.
   */
  waitFor(match: string | ((call: RecordedCall) => boolean), timeoutMs?: number): Promise<RecordedCall>;

  /** A user to send messages from. */
  user(id: number, firstName?: string, username?: string): TgUser;
  /** A group (or supergroup) the bot is a member of. */
  group(id: number, title?: string, type?: 'group' | 'supergroup'): TgChat;
  /** The private chat of `user` with the bot. */
  privateChat(user: TgUser): TgChat;

  /** Build a text message update (entities derived from the text), without delivering it. */
  textUpdate(options: TextOptions): TgUpdate;
  /** Build a button-press update, without delivering it. */
  callbackUpdate(options: PressOptions): TgUpdate;
  /** Make an update available: queued for getUpdates, or POSTed to the webhook when one is set. */
  push(update: TgUpdate | Record<string, unknown>): number;
  /** `push(textUpdate(options))`. */
  sendText(options: TextOptions): TgUpdate;
  /** `push(callbackUpdate(options))`. */
  pressButton(options: PressOptions): TgUpdate;
  /** POST one update to the webhook now (default: the secret setWebhook registered). */
  deliverWebhook(
    update: unknown,
    options?: { readonly secret?: string | null; readonly url?: string },
  ): Promise<WebhookDelivery>;

  /** The bot's messages in a chat, current versions (after edits), in order. */
  messages(chatId: number): TgMessage[];
  /** Every version the text of a bot message went through (first post, then each edit). */
  history(chatId: number, messageId: number): string[];
  /** The highest offset the bot confirmed (updates below it are forgotten). */
  readonly confirmedOffset: number;
  /** Updates made available but not yet confirmed or delivered. */
  readonly pendingCount: number;
  /** The webhook setWebhook registered, if any. */
  readonly webhook: { readonly url: string; readonly secret: string | undefined } | undefined;
  readonly webhookDeliveries: readonly WebhookDelivery[];
  /** Commands registered with setMyCommands. */
  readonly commands: readonly { readonly command: string; readonly description: string }[];
  /** Answers given with answerCallbackQuery, by query id. */
  readonly callbackAnswers: ReadonlyMap<string, { readonly text?: string }>;

  /** The next `times` calls of `method` answer 429 with `retry_after` seconds. */
  rateLimit(
    method: string,
    options: { readonly retryAfter: number; readonly times?: number; readonly chatId?: number },
  ): void;
  /** The next `times` calls of `method` fail as given. */
  failNext(method: string, failure: InjectedFailure): void;
  close(): Promise<void>;
}
