import { z } from 'zod';
import type { ConfigIssue } from '../../errors';
import { httpUrl, list, secret } from '../fields';
import type { ConfigSection } from '../section';

/** Settings of the Slack adapter; `undefined` when SLACK_BOT_TOKEN is unset. */
export interface SlackSettings {
  /** `xoxb-…`: the bot token every Web API call uses. */
  readonly botToken: string;
  /** Verifies the signature of every HTTP request from Slack (HTTP mode). */
  readonly signingSecret: string | undefined;
  /** `xapp-…`: when set, the box connects to Slack over Socket Mode instead of receiving HTTP requests. */
  readonly appToken: string | undefined;
  /** `socket` when SLACK_APP_TOKEN is set, `http` otherwise (requests arrive at `/slack/events`). */
  readonly mode: 'http' | 'socket';
  /** The Web API base, ending in `/`: Slack's by default, a fake in tests. */
  readonly apiUrl: string;
  /** The slash command the app registers, such as `/ask`; its subcommands reach every other command. */
  readonly command: string;
  readonly allowedUsers: readonly string[];
}

const botToken = secret.refine((value) => /^xox[bp]-/.test(value), {
  message:
    'expected a bot token starting with xoxb- (Slack app → OAuth & Permissions → Bot User OAuth Token)',
});

const appToken = secret.refine((value) => value.startsWith('xapp-'), {
  message:
    'expected an app-level token starting with xapp- (Slack app → Basic Information → App-Level Tokens)',
});

const command = z
  .string()
  .trim()
  .regex(/^\/[a-z0-9][\w.-]{0,30}$/, {
    message: 'expected a slash command such as /ask (a / then lower-case letters)',
  });

/** Slack's variables, their cross-checks and the typed settings. */
export const slackSection: ConfigSection<SlackSettings | undefined> = {
  variables: {
    SLACK_BOT_TOKEN: botToken.optional(),
    SLACK_SIGNING_SECRET: secret.optional(),
    SLACK_APP_TOKEN: appToken.optional(),
    SLACK_API_URL: httpUrl.default('https://slack.com/api/'),
    SLACK_COMMAND: command.default('/ask'),
    SLACK_ALLOWED_USERS: list.default([]),
  },
  check(v) {
    const issues: ConfigIssue[] = [];
    const bot = v['SLACK_BOT_TOKEN'] !== undefined;
    const app = v['SLACK_APP_TOKEN'] !== undefined;
    const signing = v['SLACK_SIGNING_SECRET'] !== undefined;
    if (bot && !app && !signing) {
      issues.push({
        variable: 'SLACK_SIGNING_SECRET',
        message:
          'required with SLACK_BOT_TOKEN in HTTP mode, to verify that requests come from Slack (Slack app → Basic Information → Signing Secret); or set SLACK_APP_TOKEN to use Socket Mode',
      });
    }
    if (!bot && (app || signing)) {
      issues.push({
        variable: 'SLACK_BOT_TOKEN',
        message:
          'required when SLACK_APP_TOKEN or SLACK_SIGNING_SECRET is set (the Bot User OAuth Token, xoxb-…)',
      });
    }
    return issues;
  },
  build: (v) => {
    const token = v['SLACK_BOT_TOKEN'] as string | undefined;
    if (token === undefined) return undefined;
    const apiUrl = v['SLACK_API_URL'] as string;
    const app = v['SLACK_APP_TOKEN'] as string | undefined;
    return {
      botToken: token,
      signingSecret: v['SLACK_SIGNING_SECRET'] as string | undefined,
      appToken: app,
      mode: app === undefined ? 'http' : 'socket',
      apiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`,
      command: (v['SLACK_COMMAND'] as string).toLowerCase(),
      allowedUsers: v['SLACK_ALLOWED_USERS'] as string[],
    };
  },
};
