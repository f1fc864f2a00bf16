import type { ConfigSection } from '../section';
import { list, secret } from '../fields';

/** Settings of the Slack adapter; `undefined` when SLACK_BOT_TOKEN is unset. */
export interface SlackSettings {
  readonly botToken: string;
  readonly allowedUsers: readonly string[];
}

/** Slack's variables (the adapter issue extends this file). */
export const slackSection: ConfigSection<SlackSettings | undefined> = {
  variables: {
    SLACK_BOT_TOKEN: secret.optional(),
    SLACK_ALLOWED_USERS: list.default([]),
  },
  build: (v) =>
    v['SLACK_BOT_TOKEN'] === undefined
      ? undefined
      : { botToken: v['SLACK_BOT_TOKEN'] as string, allowedUsers: v['SLACK_ALLOWED_USERS'] as string[] },
};
