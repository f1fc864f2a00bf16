import { SwitchboardError } from '@switchboard/core';

/** A tool call that cannot run as asked: bad input, a path outside the workspace, a blocked address. */
export class ToolError extends SwitchboardError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ToolError';
  }

  static override isInstance(value: unknown): value is ToolError {
    return SwitchboardError.isInstance(value) && value.name === 'ToolError';
  }
}
