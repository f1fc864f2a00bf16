import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { serverOptions } from './connection';
import { NatsBusError } from './errors';
import { redactSecrets, redactServers } from './names';
import { createNatsBus } from './nats-bus';
import { quietLogger } from './test-support';

/** A port nothing listens on (bound once, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

describe('connecting to NATS', () => {
  it('fails with bus_unavailable naming NATS_URL and the server, never the password', async () => {
    const port = await closedPort();
    const error = await createNatsBus({
      url: `nats://switchboard:hunter2-secret@127.0.0.1:${port}`,
      connectTimeoutMs: 2000,
      logger: quietLogger,
    }).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(NatsBusError.isInstance(error)).toBe(true);
    const { code, message } = error as NatsBusError;
    expect(code).toBe('bus_unavailable');
    expect(message).toContain('NATS_URL');
    expect(message).toContain(`nats://127.0.0.1:${port}`);
    expect(message).not.toContain('hunter2');
  });

  it('rejects options that cannot work, naming the option', async () => {
    await expect(createNatsBus({ url: '' })).rejects.toThrow(/NATS_URL/);
    await expect(createNatsBus({ url: 'nats://127.0.0.1:4222', prefix: 'a.b' })).rejects.toThrow(/prefix/);
    await expect(createNatsBus({ url: 'nats://127.0.0.1:4222', ackWaitMs: 10 })).rejects.toThrow(/ackWaitMs/);
  });

  it('takes user and password, or a token, out of the URL for the client', () => {
    expect(serverOptions('nats://alice:s%40cret@nats-1:4222, nats://nats-2:4222')).toEqual({
      servers: ['nats://nats-1:4222', 'nats://nats-2:4222'],
      user: 'alice',
      pass: 's@cret',
    });
    expect(serverOptions('tls://t0ken@nats:4222')).toEqual({ servers: ['tls://nats:4222'], token: 't0ken' });
    expect(serverOptions('127.0.0.1:4222')).toEqual({ servers: ['127.0.0.1:4222'] });
  });

  it('hides credentials in servers and in client messages', () => {
    const url = 'nats://alice:s3cret@nats-1:4222,nats://t0ken@nats-2:4222';
    expect(redactServers(url)).toBe('nats://nats-1:4222,nats://nats-2:4222');
    expect(redactSecrets('auth failed for alice:s3cret and t0ken', url)).toBe('auth failed for *** and ***');
  });
});
