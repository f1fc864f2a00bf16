/** Replaces every known secret in a text with `[redacted]`. */
export type Redactor = (text: string) => string;

/**
 * A redactor for the secret values of one server's configuration (its env values and headers): what
 * the server prints, what its tools answer and what its errors say pass through it before they reach a
 * log or the model. Values shorter than 4 characters are left alone (they would redact ordinary words).
 */
export function secretRedactor(values: readonly string[]): Redactor {
  const secrets = [...new Set(values.filter((value) => value.length >= 4))].sort(
    (a, b) => b.length - a.length,
  );
  if (secrets.length === 0) return (text) => text;
  return (text) => secrets.reduce((result, secret) => result.split(secret).join('[redacted]'), text);
}
