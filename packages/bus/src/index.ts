export { BusClosedError } from './errors';
export { createMemoryBus } from './memory-bus';
export { type HandlerErrorContext, MEMORY_BUS_DEFAULTS, type MemoryBusOptions } from './options';
