import { parseArgs } from 'node:util';
import { runTerminalChat } from '@switchboard/adapter-web';
import { createLogger, loadConfig } from '@switchboard/core';
import { type Box, startBox } from '../box';

/**
 * `switchboard chat`: the web chat's conversation in the terminal. Connects to the box running on this
 * machine; when none answers, starts one in this process for the session.
 */
export async function runChat(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: { conversation: { type: 'string', short: 'c', default: 'default' } },
  });
  const config = loadConfig();
  const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
  let url = `http://${host.includes(':') ? `[${host}]` : host}:${config.http.port}`;
  let embedded: Box | undefined;
  if (!(await isUp(url))) {
    embedded = await startBox(config, { port: 0, logger: createLogger({ level: 'warn' }) });
    url = embedded.url;
  }
  try {
    await runTerminalChat({
      url,
      apiToken: config.http.apiToken,
      conversation: values.conversation ?? 'default',
      input: process.stdin,
      output: process.stdout,
    });
  } finally {
    await embedded?.stop();
  }
  return 0;
}

async function isUp(url: string): Promise<boolean> {
  try {
    const response = await fetch(new URL('/healthz', url), { signal: AbortSignal.timeout(1000) });
    return response.status === 200 || response.status === 503;
  } catch {
    return false;
  }
}
