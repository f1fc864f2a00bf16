import { parseArgs } from 'node:util';
import { runTerminalChat } from '@switchboard/adapter-web';
import { type Config, loadConfig } from '@switchboard/core';
import { type PrivateBox, startPrivateBox } from './private-box';

const dim = (text: string) => (process.stdout.isTTY ? `\u001b[2m${text}\u001b[22m` : text);

/**
 * `switchboard chat`: the web chat's conversation in the terminal. Talks to the box running on this
 * machine; when none answers, starts a private one in this process for the session and says so.
 */
export async function runChat(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: { conversation: { type: 'string', short: 'c', default: 'default' } },
  });
  const config = loadConfig();
  const configured = configuredUrl(config);
  const out = process.stdout;
  let url = configured;
  let embedded: PrivateBox | undefined;
  if (await isUp(configured)) {
    out.write(`Talking to the box at ${configured}.\n`);
  } else {
    if (out.isTTY) out.write(dim(`No box answers at ${configured}; starting a private one…`));
    try {
      embedded = await startPrivateBox(config);
    } finally {
      if (out.isTTY) out.write('\r\u001b[2K');
    }
    url = embedded.url;
    out.write(`Started a private box for this chat at ${url}; it stops when you quit.\n`);
    out.write(
      dim(`  no box answered at ${configured}\n  data: ${embedded.data}\n  log:  ${embedded.logFile}\n`),
    );
  }
  try {
    await runTerminalChat({
      url,
      apiToken: config.http.apiToken,
      conversation: values.conversation ?? 'default',
      input: process.stdin,
      output: out,
    });
  } finally {
    await embedded?.stop();
  }
  return 0;
}

function configuredUrl(config: Config): string {
  const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.http.port}`;
}

async function isUp(url: string): Promise<boolean> {
  try {
    const response = await fetch(new URL('/healthz', url), { signal: AbortSignal.timeout(1000) });
    return response.status === 200 || response.status === 503;
  } catch {
    return false;
  }
}
