import { createHash } from 'node:crypto';
import { canonicalJson } from '../arguments-hash';
import type { LiveDefinition } from '../tool';

/** A tool as an MCP server lists it (the parts the box uses). */
export interface ListedTool {
  /** The server's own name for it. */
  readonly name: string;
  readonly description?: string | undefined;
  readonly inputSchema: Readonly<Record<string, unknown>>;
}

/**
 * The live definition of a listed tool under its registry name: the hash covers the name, the
 * description and the input schema, so a change to any of them needs the owner's approval again.
 */
export function liveDefinition(registryName: string, listed: ListedTool): LiveDefinition {
  const description = listed.description ?? '';
  const parameters = { ...listed.inputSchema };
  const hash = createHash('sha256')
    .update(canonicalJson({ name: registryName, description, parameters }))
    .digest('hex');
  return { hash, description, parameters };
}

/**
 * The registry name of a server's tool: `mcp_<server>_<tool>`, the tool's name lowercased with every
 * other character than a letter, digit or `_` turned into `_`; `undefined` when longer than 64.
 */
export function mcpToolName(server: string, tool: string): string | undefined {
  const name = `mcp_${server}_${tool.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
  return name.length <= 64 ? name : undefined;
}
