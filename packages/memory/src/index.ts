export { ALLOW_CONVERSATION } from './approval-queries';
export { checkDatabase, type DatabaseCheck } from './check';
export { IN_MEMORY } from './connect-pglite';
export type { MemoryDatabase } from './drizzle-store';
export { cosine, EXACT_COSINE_LIMIT, textQuery } from './memory-queries';
export type * from './memory-records';
export { type MigrationReport, migrationNames } from './migrations';
export { type OpenStoreOptions, openStore } from './open';
export { normalizeLinkCode } from './people-queries';
export { PERSON_TABLES } from './person-data';
export type { QuestionContext, QuestionContextQuery } from './question-context';
export type * from './records';
export { BACKGROUND_TASK_EVENT, OPEN_STATUSES } from './records';
export { redactDatabaseUrl } from './redact';
export * from './schema';
export type {
  ApprovalStore,
  BudgetStore,
  ConversationStore,
  DeliveryRecordStore,
  LongTermMemoryStore,
  MessageStore,
  PeopleStore,
  PrivacyStore,
  RecordedForOthersQuery,
  ScheduleStore,
  Store,
  TaskLifecycleStore,
  TaskStepStore,
  TaskStore,
  ToolPinStore,
  UsageStore,
} from './store';
export { createTestDatabase, type TestDatabase } from './testing';
