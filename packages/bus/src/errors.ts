// The error is part of the Bus contract, so it lives in core; re-exported here for existing imports.
export { BusClosedError } from '@switchboard/core';
