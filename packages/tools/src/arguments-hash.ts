import { createHash } from 'node:crypto';

/** `value` as JSON with object keys sorted at every level, so equal arguments always read the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The SHA-256 of a tool name and its arguments (canonical JSON): what an approval is bound to, so a
 * changed argument, or the same arguments for another tool, needs a new approval.
 */
export function toolCallHash(name: string, args: unknown): string {
  return createHash('sha256').update(name).update('\u0000').update(canonicalJson(args)).digest('hex');
}
