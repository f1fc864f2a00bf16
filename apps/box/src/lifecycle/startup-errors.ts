import { describeError, SwitchboardError } from '@switchboard/core';

/** The operator's error for an HTTP server that could not listen on `host:port`. */
export function listenError(error: unknown, host: string, port: number): SwitchboardError {
  const code = (error as { code?: unknown }).code;
  if (code === 'EADDRINUSE') {
    return new SwitchboardError(
      'port_in_use',
      `Port ${port} on ${host} is already in use, probably by another Switchboard or another web server. Stop that program, or set PORT to a free port (for example PORT=${port === 65535 ? 3001 : port + 1}).`,
      { cause: error },
    );
  }
  if (code === 'EACCES') {
    return new SwitchboardError(
      'port_forbidden',
      `This user may not listen on port ${port} (ports below 1024 need extra rights). Set PORT to 1024 or higher.`,
      { cause: error },
    );
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return new SwitchboardError(
      'host_unavailable',
      `HOST is ${host}, which is not an address of this machine. Set HOST to 127.0.0.1 (this machine only) or 0.0.0.0 (every interface, with SWITCHBOARD_API_TOKEN).`,
      { cause: error },
    );
  }
  return new SwitchboardError(
    'listen_failed',
    `The web server could not listen on ${host}:${port}: ${describeError(error)}.`,
    { cause: error },
  );
}

/** Start-up was cancelled by SIGINT or SIGTERM before it finished. */
export class StartCancelledError extends SwitchboardError {
  constructor() {
    super('start_cancelled', 'Switchboard was asked to stop while it was starting.');
    this.name = 'StartCancelledError';
  }
}
