import type { Logger } from '@switchboard/core';

/** Settings of the Slack adapter (the box builds them from `SlackSettings`). */
export interface SlackAdapterOptions {
  /** `xoxb-…`. */
  readonly botToken: string;
  /** Required in HTTP mode: verifies every request at `/slack/events`. */
  readonly signingSecret?: string | undefined;
  /** `xapp-…`: connect over Socket Mode instead of receiving HTTP requests. */
  readonly appToken?: string | undefined;
  /** The Web API base; default `https://slack.com/api/`. */
  readonly apiUrl?: string;
  /** The slash command; default `/ask`. */
  readonly command?: string;
  /** Where requests arrive in HTTP mode; default `/slack/events`. */
  readonly eventsPath?: string;
  readonly logger: Logger;
  /** The clock, for tests of the timestamp window. Default `Date.now`. */
  readonly now?: () => number;
}
