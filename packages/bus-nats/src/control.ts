import type { NatsConnection } from '@nats-io/transport-node';
import type { ControlMessage, Logger, Unsubscribe } from '@switchboard/core';

/** Every control message type; a `Record` so that a type added to {@link ControlMessage} must be added here. */
const CONTROL_TYPES: Readonly<Record<ControlMessage['type'], true>> = {
  cancel: true,
  abandon: true,
  'approval-decided': true,
};

function isControlMessage(value: unknown): value is ControlMessage {
  const type = (value as { type?: unknown } | null)?.type;
  return typeof type === 'string' && Object.hasOwn(CONTROL_TYPES, type);
}

/**
 * Control messages (cancel, approval decided) over core NATS publish/subscribe: every bus connected
 * when a message is published hands it to each of its control handlers. At most once, not stored: a
 * process that is disconnected at that moment misses it (the task it would stop is then the one whose
 * lease is lost, or the user sends /cancel again).
 */
export class ControlChannel {
  readonly #nc: NatsConnection;
  readonly #subject: string;
  readonly #logger: Logger;

  constructor(nc: NatsConnection, subject: string, logger: Logger) {
    this.#nc = nc;
    this.#subject = subject;
    this.#logger = logger;
  }

  /** Resolves once the server has the message (a flush round trip). */
  async publish(message: ControlMessage): Promise<void> {
    this.#nc.publish(this.#subject, JSON.stringify(message));
    await this.#nc.flush();
  }

  /** Call `handle` with every control message until unsubscribed. A handler that throws is logged. */
  subscribe(handle: (message: ControlMessage) => void): Unsubscribe {
    const subscription = this.#nc.subscribe(this.#subject, {
      callback: (error, msg) => {
        if (error !== null) return;
        let message: unknown;
        try {
          message = msg.json<unknown>();
        } catch {
          this.#logger.error('a control message is not JSON; dropped');
          return;
        }
        if (!isControlMessage(message)) {
          this.#logger.error('a control message has an unknown type; dropped');
          return;
        }
        try {
          const result: unknown = handle(message);
          if (result instanceof Promise) result.catch((cause: unknown) => this.#report(cause, message));
        } catch (cause) {
          this.#report(cause, message);
        }
      },
    });
    return () => subscription.unsubscribe();
  }

  #report(error: unknown, message: ControlMessage): void {
    this.#logger.error({ error: String(error), messageType: message.type }, 'a control handler failed');
  }
}
