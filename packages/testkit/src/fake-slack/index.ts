export {
  appMention,
  blockActions,
  encodeDelivery,
  eventCallback,
  messageEvent,
  type Origin,
  slackTs,
  slashCommand,
} from './payloads';
export {
  type DeliveryAttempt,
  deliverWithRetries,
  type RetriedDelivery,
  type RetryOptions,
  type RetryReason,
  SLACK_RETRY_DELAYS_MS,
} from './retries';
export { startFakeSlack } from './server';
export { signSlackRequest } from './sign';
export type {
  DeliveryOptions,
  DeliveryResult,
  FailureRule,
  FakeMessage,
  FakeSlack,
  FakeSlackOptions,
  FakeSocketMode,
  RateLimitRule,
  RecordedCall,
  RecordedResponse,
  SlackDelivery,
  SocketAck,
} from './types';
export { LIMITS as SLACK_LIMITS } from './web-api';
