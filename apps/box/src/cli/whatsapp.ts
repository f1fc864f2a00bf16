import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createBrowserClient, printQr, SESSION_FOLDER, WebConnection } from '@switchboard/adapter-whatsapp';
import { createLogger, deadlineSignal, loadConfig } from '@switchboard/core';
import { askRunningBox } from './running-box';

const USAGE = `Usage: switchboard whatsapp link

  link    link your own WhatsApp account by QR code (WHATSAPP_MODE=web); the session is saved under
          SWITCHBOARD_DATA_DIR, so the box needs no new scan when it restarts`;

/** How long `link` waits for the QR code to be scanned. */
const SCAN_TIMEOUT_MS = 5 * 60 * 1000;

/** `switchboard whatsapp link`: show the QR code in the terminal and wait until the phone scanned it. */
export async function runWhatsApp(args: readonly string[]): Promise<number> {
  const [subcommand] = args;
  if (subcommand !== 'link') {
    console.log(subcommand === undefined ? USAGE : `Unknown subcommand "${subcommand}".\n\n${USAGE}`);
    return subcommand === undefined ? 0 : 2;
  }
  const config = loadConfig();
  const settings = config.platforms.whatsapp;
  if (settings?.mode !== 'web') {
    console.log(
      settings?.mode === 'cloud'
        ? 'WHATSAPP_MODE is cloud: the Cloud API needs no linking (see the README for the webhook setup).'
        : 'Set WHATSAPP_MODE=web to link your own WhatsApp account, then run this again.',
    );
    return 1;
  }
  if (!existsSync(settings.chromiumPath)) {
    console.log(
      `WhatsApp web mode needs Chromium, and none was found at ${settings.chromiumPath}: install it (apt install chromium) or set WHATSAPP_CHROMIUM_PATH.`,
    );
    return 1;
  }
  if ((await askRunningBox(config)) !== undefined) {
    console.log(
      'A box is running with this data folder and holds the WhatsApp session: its terminal shows the QR code when linking is needed. Stop it to link from here.',
    );
    return 1;
  }
  const connection = new WebConnection({
    factory: createBrowserClient,
    settings: { sessionDir: join(config.dataDir, SESSION_FOLDER), chromiumPath: settings.chromiumPath },
    logger: createLogger({ level: 'warn' }),
    showQr: printQr,
    attach: () => {},
    connectTimeoutMs: 45_000,
    baseBackoffMs: 2_000,
    maxBackoffMs: 30_000,
  });
  const stop = new AbortController();
  const interrupt = () => stop.abort(new Error('interrupted'));
  process.once('SIGINT', interrupt);
  try {
    console.log('Starting WhatsApp Web (headless Chromium)…');
    await connection.start();
    const status = connection.status;
    if (status.state === 'failed') {
      console.log(status.reason);
      return 1;
    }
    if (status.state === 'retrying' && status.attempts > 0) console.log(status.reason);
    const scan = deadlineSignal(stop.signal, SCAN_TIMEOUT_MS);
    try {
      await connection.ready(scan.signal);
    } finally {
      scan.dispose();
    }
    const account = connection.client?.info?.wid.user;
    console.log(
      `Linked${account ? ` as +${account}` : ''}. The session is saved under ${join(config.dataDir, SESSION_FOLDER)}; start the box with \`switchboard start\`.`,
    );
    return 0;
  } catch {
    console.log(
      stop.signal.aborted
        ? 'Stopped before the QR code was scanned.'
        : 'The QR code was not scanned within 5 minutes; run this again.',
    );
    return 1;
  } finally {
    process.off('SIGINT', interrupt);
    await connection.stop();
  }
}
