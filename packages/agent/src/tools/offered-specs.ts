import type { ToolSpec } from '@switchboard/core';
import type { ToolPinStore } from '@switchboard/memory';
import type { ToolRegistry } from '@switchboard/tools';

/** A pinned definition as stored: the approved description and input schema. */
function pinnedDefinition(
  definition: unknown,
): { readonly description: string; readonly parameters: Record<string, unknown> } | undefined {
  if (typeof definition !== 'object' || definition === null) return undefined;
  const { description, parameters } = definition as Record<string, unknown>;
  if (typeof description !== 'string' || typeof parameters !== 'object' || parameters === null)
    return undefined;
  return { description, parameters: parameters as Record<string, unknown> };
}

/**
 * The tools as the model sees them. A tool from outside the box that the owner approved is shown as
 * approved (its pinned description and schema), so a server that rewrites a description cannot put new
 * words before the model until the owner approves them.
 */
export async function offeredSpecs(registry: ToolRegistry, store: ToolPinStore): Promise<ToolSpec[]> {
  return Promise.all(
    registry.list().map(async (tool): Promise<ToolSpec> => {
      const live = registry.spec(tool);
      if (tool.external === undefined) return live;
      const pinned = pinnedDefinition((await store.toolPin(tool.name))?.definition);
      if (pinned === undefined) return live;
      return {
        name: tool.name,
        description: `${pinned.description} (from the ${tool.external.source})`,
        parameters: pinned.parameters,
      };
    }),
  );
}
