export { createSlackAdapter } from './adapter';
export { decodeAddress, encodeAddress, type SlackAddress } from './address';
export { approvalButtons, buttonBlocks } from './blocks';
export { toPlatformError } from './errors';
export { fromSlackText, neutraliseMarkdown, toMrkdwn } from './format';
export type { SlackAdapterOptions } from './options';
export { TIMESTAMP_TOLERANCE_SECONDS, verifySlackRequest } from './verify';
