import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../errors';
import { loadConfig } from '../load';

const load = (env: Record<string, string>) => loadConfig({ env, file: false });

function problems(env: Record<string, string>): string[] {
  try {
    load(env);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error.issues.map((issue) => issue.variable);
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('WhatsApp settings', () => {
  it('is off without WHATSAPP_MODE', () => {
    expect(load({}).platforms.whatsapp).toBeUndefined();
  });

  it('reads cloud mode with its defaults, and the allowlist without a leading +', () => {
    const config = load({
      WHATSAPP_MODE: 'cloud',
      WHATSAPP_TOKEN: 'EAAG-token',
      WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
      WHATSAPP_APP_SECRET: 'secret',
      WHATSAPP_VERIFY_TOKEN: 'verify',
      WHATSAPP_ALLOWED_USERS: '+15551234567, 15557654321',
      WHATSAPP_TEMPLATE: 'reply_waiting',
    });
    expect(config.platforms.whatsapp).toMatchObject({
      mode: 'cloud',
      graphUrl: 'https://graph.facebook.com/v23.0',
      template: { name: 'reply_waiting', language: 'en_US' },
      progressMs: 60_000,
      allowedUsers: ['15551234567', '15557654321'],
    });
    expect(config.access.allow.whatsapp.users).toEqual(['15551234567', '15557654321']);
  });

  it('names every variable cloud mode is missing at once', () => {
    expect(problems({ WHATSAPP_MODE: 'cloud' })).toEqual([
      'WHATSAPP_TOKEN',
      'WHATSAPP_PHONE_NUMBER_ID',
      'WHATSAPP_APP_SECRET',
      'WHATSAPP_VERIFY_TOKEN',
    ]);
  });

  it('asks for WHATSAPP_MODE=cloud when Cloud API settings are set without it', () => {
    expect(problems({ WHATSAPP_TOKEN: 'EAAG-token' })).toEqual(['WHATSAPP_MODE']);
    expect(problems({ WHATSAPP_MODE: 'web', WHATSAPP_APP_SECRET: 's' })).toEqual(['WHATSAPP_MODE']);
  });

  it('reads web mode with the system Chromium and the /ask prefix by default', () => {
    expect(load({ WHATSAPP_MODE: 'web', WHATSAPP_PROGRESS_SECONDS: '0' }).platforms.whatsapp).toEqual({
      mode: 'web',
      chromiumPath: '/usr/bin/chromium',
      groupPrefix: '/ask',
      allowedUsers: [],
      progressMs: 0,
    });
  });

  it('refuses numbers that are not phone numbers and an unknown mode', () => {
    expect(problems({ WHATSAPP_MODE: 'web', WHATSAPP_ALLOWED_USERS: 'alice' })).toEqual([
      'WHATSAPP_ALLOWED_USERS',
    ]);
    expect(problems({ WHATSAPP_MODE: 'business' })).toEqual(['WHATSAPP_MODE']);
  });
});
