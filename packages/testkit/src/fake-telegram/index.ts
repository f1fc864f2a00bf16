export { deriveEntities } from './builders';
export {
  MarkupError,
  type ParsedText,
  parseHtml,
  parseLegacyMarkdown,
  parseMarkdownV2,
  parseMarkup,
} from './markup';
export { now, startFakeTelegram } from './server';
export type {
  CallVia,
  FakeTelegram,
  FakeTelegramOptions,
  InjectedFailure,
  PressOptions,
  RecordedCall,
  TextOptions,
  TgCallbackQuery,
  TgChat,
  TgEntity,
  TgInlineButton,
  TgInlineKeyboard,
  TgMessage,
  TgUpdate,
  TgUser,
  WebhookDelivery,
} from './types';
export { MAX_CALLBACK_DATA_BYTES, MAX_TEXT_LENGTH } from './validate';
export { SECRET_HEADER } from './webhook';
