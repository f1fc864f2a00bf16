export { LeaseLostError, NatsBusError } from './errors';
export { DELIVERY_FAILED, replyOnGiveUp } from './give-up';
export { createNatsBus } from './nats-bus';
export { type GiveUp, NATS_BUS_DEFAULTS, type NatsBusOptions } from './options';
