/**
 * Characters Postgres refuses to store: NUL in `text` (and `\u0000` in `jsonb`). JavaScript strings
 * always encode to valid UTF-8 (a lone surrogate becomes U+FFFD), so NUL is the only one.
 */
const NUL = String.fromCharCode(0);

/** `text` without the characters Postgres refuses to store (see {@link cleanValue}). */
export function cleanText(text: string): string {
  return text.includes(NUL) ? text.replaceAll(NUL, '') : text;
}

/**
 * A copy of a JSON-like value with {@link cleanText} applied to every string in it, keys included.
 * Values that are already clean come back as they are.
 */
export function cleanValue<T>(value: T): T {
  return cleanAny(value) as T;
}

function cleanAny(value: unknown): unknown {
  if (typeof value === 'string') return cleanText(value);
  if (Array.isArray(value)) return value.map(cleanAny);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, inner]) => [
        cleanText(key),
        cleanAny(inner),
      ]),
    );
  }
  return value;
}
