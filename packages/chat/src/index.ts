export { APPROVAL_BUTTON_ID, approvalMessages } from './approval';
export { createDeliveryEngine, SHUTTING_DOWN } from './engine';
export type { Fence } from './fence';
export { EMPTY_REPLY_TEXT } from './render';
export { backoffDelay, classifyFailure, DEFAULT_RETRY, type Failure, NOT_MODIFIED } from './retry';
export { planSplit, type SplitChunk, splitMessage } from './split';
export type {
  DeliveryEngine,
  DeliveryJournal,
  DeliveryLogger,
  DeliveryOptions,
  DeliveryResume,
  DeliveryRetry,
  RetryPolicy,
} from './types';
