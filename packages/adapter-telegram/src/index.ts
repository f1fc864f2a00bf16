/** telegraf itself, so apps need no direct dependency to build on the same client. */
export { Telegraf } from 'telegraf';
export { createTelegramAdapter, type TelegramAdapter, type TelegramAdapterOptions } from './adapter';
export { fromAddress, type TelegramTarget, toAddress } from './address';
export { CallbackData, MAX_CALLBACK_DATA_BYTES } from './callback-data';
export { DEFAULT_API_ROOT, normalizeApiRoot } from './client';
export { toPlatformError } from './errors';
export { escapeHtml, markdownToHtml } from './format';
export { ALLOWED_UPDATES } from './gateway';
export { ChatLimiter, type Clock, type LimiterOptions } from './limiter';
export { type BotIdentity, draftIdFor, eventIdFor, type Ingress, normalizeUpdate } from './normalize';
export { MAX_MESSAGE_LENGTH } from './send';
export { SECRET_HEADER } from './verify';
