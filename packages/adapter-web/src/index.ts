export { createWebAdapter, WEB_OWNER, type WebAdapterOptions } from './adapter';
export { isAuthorized } from './auth';
export {
  BAD_CONVERSATION_IN_PATH,
  CONVERSATION_NAME,
  conversationInPath,
  MAX_BODY_BYTES,
  MAX_TEXT_LENGTH,
  type MessageRequest,
  parseMessageRequest,
  webConversation,
} from './request';
export { encodePart, type PushedPart, readEvents, readParts } from './sse';
export { askOnce, runTerminalChat, type TerminalChatOptions } from './terminal/session';
