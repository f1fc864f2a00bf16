export { canonicalJson, toolCallHash } from './arguments-hash';
export { isPrivateAddress, parseAllowList } from './builtin/address-check';
export { listFilesTool, readFileTool, writeFileTool } from './builtin/files';
export { DEFAULT_FETCH_LIMITS, type FetchSettings, httpFetchTool } from './builtin/http-fetch';
export { type ShellSettings, shellTool } from './builtin/shell';
export { builtinTools, type ShellAvailability, shellAvailability } from './builtins';
export { ToolError } from './errors';
export { liveDefinition, mcpToolName } from './mcp/definition';
export { connectMcpServers, type McpTools } from './mcp/servers';
export {
  DEFAULT_TOOL_POLICY,
  decideToolCall,
  type PolicyDecision,
  type PolicyQuestion,
  type TierRules,
  type ToolPolicySettings,
  type ToolRole,
} from './policy';
export { type ParsedCall, parametersOf, ToolRegistry } from './registry';
export { type CommandLimits, DEFAULT_COMMAND_LIMITS } from './sandbox/limits';
export { checkSandbox, type SandboxCheck } from './sandbox/probe';
export { type CommandResult, type KilledBy, runCommand, type SandboxMode } from './sandbox/run';
export {
  type AnyTool,
  defineTool,
  type ExternalDefinition,
  type LiveDefinition,
  type RiskTier,
  type Tool,
  type ToolContext,
  type ToolOutput,
} from './tool';
export { ensureWorkspace, resolveInWorkspace } from './workspace';
