import { SwitchboardError } from '@switchboard/core';

/**
 * A GGUF file could not be read or written. Codes: `gguf_invalid` (not a GGUF file, or damaged),
 * `gguf_unsupported` (a version or value type this package does not handle), `gguf_bad_options`
 * (a model shape or tensor description that cannot be written).
 */
export class GgufError extends SwitchboardError {
  constructor(
    code: 'gguf_invalid' | 'gguf_unsupported' | 'gguf_bad_options',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = 'GgufError';
  }

  static override isInstance(value: unknown): value is GgufError {
    return value instanceof Error && value.name === 'GgufError';
  }
}
