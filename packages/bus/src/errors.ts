import { SwitchboardError } from '@switchboard/core';

/** The bus was closed: nothing more can be enqueued. The caller should let the platform retry later. */
export class BusClosedError extends SwitchboardError {
  constructor() {
    super(
      'bus_closed',
      'The message bus is shut down, so the event was not queued. It can be sent again once the box is back.',
    );
    this.name = 'BusClosedError';
  }

  static override isInstance(value: unknown): value is BusClosedError {
    return SwitchboardError.isInstance(value) && value.code === 'bus_closed';
  }
}
