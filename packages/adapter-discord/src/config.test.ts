import { ConfigError, loadConfig } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { inviteUrl } from './invite';

const load = (env: Record<string, string>) => loadConfig({ env, file: false });
const APP = '123456789012345678';

describe('Discord configuration', () => {
  it('is off without a token, and reads every variable with defaults', () => {
    expect(load({}).platforms.discord).toBeUndefined();
    expect(
      load({ DISCORD_BOT_TOKEN: 'tok', DISCORD_APPLICATION_ID: APP, DISCORD_ALLOWED_ROLES: '1, 2' }).platforms
        .discord,
    ).toEqual({
      botToken: 'tok',
      applicationId: APP,
      guildId: undefined,
      apiUrl: 'https://discord.com/api',
      messageContent: false,
      allowedUsers: [],
      allowedRoles: ['1', '2'],
    });
    const custom = load({
      DISCORD_BOT_TOKEN: 'tok',
      DISCORD_APPLICATION_ID: APP,
      DISCORD_GUILD_ID: '223456789012345678',
      DISCORD_API_URL: 'http://127.0.0.1:9/api/',
      DISCORD_MESSAGE_CONTENT: 'true',
    });
    expect(custom.platforms.discord).toMatchObject({
      guildId: '223456789012345678',
      apiUrl: 'http://127.0.0.1:9/api',
      messageContent: true,
    });
  });

  it('needs the application id with the token, and says where to find it', () => {
    try {
      load({ DISCORD_BOT_TOKEN: 'tok' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      if (!ConfigError.isInstance(error)) throw error;
      expect(error.issues).toEqual([
        { variable: 'DISCORD_APPLICATION_ID', message: expect.stringContaining('Developer Portal') },
      ]);
      expect(error.message).not.toContain('tok,');
    }
  });

  it('reports malformed ids and URLs by variable name', () => {
    try {
      load({
        DISCORD_BOT_TOKEN: 'tok',
        DISCORD_APPLICATION_ID: 'my-app',
        DISCORD_GUILD_ID: '12',
        DISCORD_API_URL: 'discord',
        DISCORD_MESSAGE_CONTENT: 'maybe',
      });
      throw new Error('expected a ConfigError');
    } catch (error) {
      if (!ConfigError.isInstance(error)) throw error;
      expect(error.issues.map((issue) => issue.variable).sort()).toEqual([
        'DISCORD_API_URL',
        'DISCORD_APPLICATION_ID',
        'DISCORD_GUILD_ID',
        'DISCORD_MESSAGE_CONTENT',
      ]);
    }
  });
});

describe('inviteUrl', () => {
  it('asks for the bot and applications.commands scopes and only the permissions the bot uses', () => {
    const url = new URL(inviteUrl(APP));
    expect(url.origin + url.pathname).toBe('https://discord.com/oauth2/authorize');
    expect(url.searchParams.get('client_id')).toBe(APP);
    expect(url.searchParams.get('scope')).toBe('bot applications.commands');
    const permissions = BigInt(url.searchParams.get('permissions') ?? '0');
    const bit = (n: number) => (permissions & (1n << BigInt(n))) !== 0n;
    expect([bit(10), bit(11), bit(14), bit(16), bit(38)]).toEqual([true, true, true, true, true]);
    expect(bit(3)).toBe(false);
    expect(new URL(inviteUrl(APP, '223456789012345678')).searchParams.get('guild_id')).toBe(
      '223456789012345678',
    );
  });
});
