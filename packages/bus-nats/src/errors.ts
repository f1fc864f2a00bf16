import { SwitchboardError } from '@switchboard/core';

/**
 * NATS could not be reached or did not answer in time (`bus_unavailable`), or it answers but cannot
 * hold the bus (`bus_misconfigured`: JetStream off, a stream of the same name with another shape).
 * The message names the server without its password and says what to do.
 */
export class NatsBusError extends SwitchboardError {
  constructor(code: 'bus_unavailable' | 'bus_misconfigured', message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'NatsBusError';
  }

  static override isInstance(value: unknown): value is NatsBusError {
    return (
      SwitchboardError.isInstance(value) &&
      (value.code === 'bus_unavailable' || value.code === 'bus_misconfigured')
    );
  }
}

/**
 * The handler's job was taken away: the bus could not renew the event's lease with the server in
 * time (connection lost), so JetStream may already have given the event to another worker.
 */
export class LeaseLostError extends SwitchboardError {
  constructor() {
    super(
      'bus_lease_lost',
      'The connection to NATS was lost for too long, so this event may now run on another worker; stop working on it.',
    );
    this.name = 'LeaseLostError';
  }

  static override isInstance(value: unknown): value is LeaseLostError {
    return SwitchboardError.isInstance(value) && value.code === 'bus_lease_lost';
  }
}
