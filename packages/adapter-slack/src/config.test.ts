import { ConfigError, loadConfig } from '@switchboard/core';
import { describe, expect, it } from 'vitest';

const load = (env: Record<string, string>) =>
  loadConfig({ env: { SWITCHBOARD_DATA_DIR: 'memory://', ...env }, file: false });
const issues = (env: Record<string, string>) => {
  try {
    load(env);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error.issues;
    throw error;
  }
  throw new Error('expected a configuration error');
};

describe('Slack configuration', () => {
  it('is off without a bot token', () => {
    expect(load({}).platforms.slack).toBeUndefined();
  });

  it('runs in HTTP mode with a bot token and a signing secret, with defaults', () => {
    expect(
      load({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret', SLACK_ALLOWED_USERS: 'U1, U2' })
        .platforms.slack,
    ).toEqual({
      botToken: 'xoxb-1',
      signingSecret: 'secret',
      appToken: undefined,
      mode: 'http',
      apiUrl: 'https://slack.com/api/',
      command: '/ask',
      allowedUsers: ['U1', 'U2'],
    });
  });

  it('runs in Socket Mode with an app token, no signing secret needed', () => {
    const slack = load({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_APP_TOKEN: 'xapp-1',
      SLACK_API_URL: 'http://127.0.0.1:9/api',
      SLACK_COMMAND: '/sb',
    }).platforms.slack;
    expect(slack).toMatchObject({
      mode: 'socket',
      appToken: 'xapp-1',
      signingSecret: undefined,
      apiUrl: 'http://127.0.0.1:9/api/',
      command: '/sb',
    });
  });

  it('names every mistake at once', () => {
    expect(issues({ SLACK_BOT_TOKEN: 'xoxb-1' }).map((issue) => issue.variable)).toEqual([
      'SLACK_SIGNING_SECRET',
    ]);
    expect(issues({ SLACK_APP_TOKEN: 'xapp-1' }).map((issue) => issue.variable)).toEqual(['SLACK_BOT_TOKEN']);
    const many = issues({
      SLACK_BOT_TOKEN: 'bot-token',
      SLACK_APP_TOKEN: 'xoxb-wrong',
      SLACK_COMMAND: 'ask',
      SLACK_API_URL: 'slack.com',
    });
    expect(many.map((issue) => issue.variable).sort()).toEqual([
      'SLACK_API_URL',
      'SLACK_APP_TOKEN',
      'SLACK_BOT_TOKEN',
      'SLACK_COMMAND',
    ]);
    expect(many.find((issue) => issue.variable === 'SLACK_COMMAND')?.message).toContain('/ask');
    expect(JSON.stringify(many)).not.toContain('xoxb-wrong');
  });
});
