import { createLogger } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { admittedNumbers, createWhatsAppAdapter, WEBHOOK_PATH } from './index';

const silent = createLogger({ level: 'silent' });
const cloud = {
  mode: 'cloud',
  token: 't',
  phoneNumberId: '106540352242922',
  appSecret: 's',
  verifyToken: 'v',
  graphUrl: 'http://127.0.0.1:9/v23.0',
  template: undefined,
  allowedUsers: ['15550000002'],
  progressMs: 60_000,
} as const;

describe('createWhatsAppAdapter', () => {
  it('cloud mode: no edits, 4,096 characters, 3 buttons, typing every 20 s, progress per setting', () => {
    const adapter = createWhatsAppAdapter({ settings: cloud, logger: silent, owners: [], dataDir: '/tmp' });
    expect(adapter.limits).toEqual({
      maxLength: 4096,
      minEditIntervalMs: 0,
      canEdit: false,
      maxButtons: 3,
      typingIntervalMs: 20_000,
      progressIntervalMs: 60_000,
    });
    expect(adapter.routes?.().map((route) => `${route.method} ${route.path} ${route.caller}`)).toEqual([
      `GET ${WEBHOOK_PATH} platform`,
      `POST ${WEBHOOK_PATH} platform`,
    ]);
  });

  it('web mode: numbered choices instead of buttons, no webhook, no progress when 0', () => {
    const adapter = createWhatsAppAdapter({
      settings: {
        mode: 'web',
        chromiumPath: '/usr/bin/chromium',
        groupPrefix: '/ask',
        allowedUsers: [],
        progressMs: 0,
      },
      logger: silent,
      owners: [],
      dataDir: '/tmp',
    });
    expect(adapter.limits.canEdit).toBe(false);
    expect(adapter.limits.progressIntervalMs).toBeUndefined();
    expect(adapter.routes).toBeUndefined();
  });

  it('admits owners named whatsapp:<number> and the allowlist', () => {
    expect(
      [...admittedNumbers({ settings: cloud, owners: ['whatsapp:+15550000001', 'telegram:42'] })].sort(),
    ).toEqual(['15550000001', '15550000002']);
  });
});
