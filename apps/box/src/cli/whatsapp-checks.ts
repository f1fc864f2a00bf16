import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { GraphClient, SESSION_FOLDER } from '@switchboard/adapter-whatsapp';
import { describeError, type WhatsAppSettings } from '@switchboard/core';

/** One line of `switchboard doctor`: passed, failed, or worth a look. */
export interface CheckLine {
  readonly level: 'ok' | 'bad' | 'warn';
  readonly label: string;
  readonly detail: string;
}

/**
 * What `switchboard doctor` says about WhatsApp. Cloud mode: a cheap `GET /{phone-number-id}` proves
 * the token against WHATSAPP_GRAPH_URL. Web mode: Chromium is where WHATSAPP_CHROMIUM_PATH says, and
 * whether a linked session is saved.
 */
export async function checkWhatsApp(
  settings: WhatsAppSettings | undefined,
  dataDir: string,
  timeoutMs = 10_000,
): Promise<CheckLine[]> {
  if (settings === undefined) return [];
  if (settings.mode === 'cloud') {
    const graph = new GraphClient(settings);
    try {
      const number = await graph.phoneNumber(AbortSignal.timeout(timeoutMs));
      const name = [number.displayPhoneNumber, number.verifiedName].filter(Boolean).join(', ');
      return [
        {
          level: 'ok',
          label: 'whatsapp cloud api',
          detail: `the token is valid for phone number id ${settings.phoneNumberId}${name ? ` (${name})` : ''}`,
        },
      ];
    } catch (error) {
      return [{ level: 'bad', label: 'whatsapp cloud api', detail: describeError(error) }];
    }
  }
  const lines: CheckLine[] = [
    existsSync(settings.chromiumPath)
      ? { level: 'ok', label: 'whatsapp chromium', detail: settings.chromiumPath }
      : {
          level: 'bad',
          label: 'whatsapp chromium',
          detail: `not found at ${settings.chromiumPath}: install Chromium (apt install chromium) or set WHATSAPP_CHROMIUM_PATH`,
        },
  ];
  const session = join(dataDir, SESSION_FOLDER);
  lines.push(
    existsSync(session)
      ? { level: 'ok', label: 'whatsapp session', detail: `saved under ${session}` }
      : {
          level: 'warn',
          label: 'whatsapp session',
          detail: 'not linked yet: run `switchboard whatsapp link` and scan the QR code with your phone',
        },
  );
  return lines;
}
