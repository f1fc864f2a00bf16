export { type AccessDecision, type AccessPolicy, createAccessPolicy, REFUSAL, type Role } from './access';
export { type Agent, createAgent } from './agent';
export type { AgentDependencies } from './context';
export { estimateTokens, memoryWindow } from './memory-window';
export { ModelRegistry } from './model-registry';
export { NO_MODEL_MESSAGE } from './no-model';
export { LOCAL_GATEWAY } from './replies';
export { startAgentWorker } from './worker';
