export { graphError } from './errors';
export { startFakeGraph } from './graph';
export type {
  FakeGraph,
  FakeGraphOptions,
  GraphCall,
  GraphErrorBody,
  GraphFailureRule,
  GraphMessageKind,
} from './types';
export { classifyMessage, WHATSAPP_LIMITS } from './validate';
export {
  FakeWebClient,
  FakeWhatsAppWeb,
  type InitializeMode,
  type WebClientEvents,
  type WebMessage,
  type WebSent,
} from './web-client';
export {
  createWebhookSender,
  type InboundMessagePayload,
  type InboundOptions,
  messagesWebhook,
  newMessageId,
  signWhatsAppBody,
  type WebhookResult,
  type WebhookSender,
  type WebhookSenderOptions,
} from './webhook';
