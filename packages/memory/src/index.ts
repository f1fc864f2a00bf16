export { checkDatabase, type DatabaseCheck } from './check';
export { IN_MEMORY } from './connect-pglite';
export type { MemoryDatabase } from './drizzle-store';
export { type OpenStoreOptions, openStore } from './open';
export type * from './records';
export { redactDatabaseUrl } from './redact';
export * from './schema';
export type { Store } from './store';
export { createTestDatabase, type TestDatabase } from './testing';
