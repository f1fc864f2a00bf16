import type { ControlMessage, Unsubscribe } from '@switchboard/core';
import type { HandlerErrorContext } from './options';

/** A control handler, as {@link Bus.onControl} takes it. */
export type ControlHandler = (message: ControlMessage) => void;

/**
 * Control messages go to every handler registered when the message is delivered (a later tick than the
 * publish). A handler that throws, or returns a promise that rejects, is reported and skipped.
 */
export class ControlBroadcast {
  #handlers: ControlHandler[] = [];
  readonly #onError: (error: unknown, context: HandlerErrorContext) => void;
  #closed = false;

  constructor(onError: (error: unknown, context: HandlerErrorContext) => void) {
    this.#onError = onError;
  }

  subscribe(handle: ControlHandler): Unsubscribe {
    if (this.#closed) return () => {};
    const registered: ControlHandler = (message) => handle(message);
    this.#handlers.push(registered);
    return () => {
      this.#handlers = this.#handlers.filter((candidate) => candidate !== registered);
    };
  }

  /** Resolves once every handler has been called. Dropped after {@link close}. */
  async publish(message: ControlMessage): Promise<void> {
    await Promise.resolve();
    if (this.#closed) return;
    for (const handle of this.#handlers) {
      try {
        const result: unknown = handle(message);
        if (result instanceof Promise) result.catch((error: unknown) => this.#report(error, message));
      } catch (error) {
        this.#report(error, message);
      }
    }
  }

  close(): void {
    this.#closed = true;
    this.#handlers = [];
  }

  #report(error: unknown, message: ControlMessage): void {
    try {
      this.#onError(error, { source: 'control', messageType: message.type });
    } catch {
      // An error reporter that throws must not stop the broadcast.
    }
  }
}
