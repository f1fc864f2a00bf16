import { z } from 'zod';
import type { ConfigIssue } from '../../errors';
import { httpUrl, integer, list, secret } from '../fields';
import type { ConfigSection } from '../section';

/** Meta's Graph API base, including the version the adapter was written against. */
export const WHATSAPP_DEFAULT_GRAPH_URL = 'https://graph.facebook.com/v23.0';

/** Where web mode looks for Chromium unless `WHATSAPP_CHROMIUM_PATH` says otherwise. */
export const WHATSAPP_DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/** The official WhatsApp Business Cloud API: a webhook in, the Graph API out. */
export interface WhatsAppCloudSettings {
  readonly mode: 'cloud';
  /** A permanent (system user) access token with `whatsapp_business_messaging`. */
  readonly token: string;
  /** The business phone number's id (not the number itself). */
  readonly phoneNumberId: string;
  /** Verifies `X-Hub-Signature-256` on every webhook delivery. */
  readonly appSecret: string;
  /** What Meta must echo in the `hub.verify_token` of the verification handshake. */
  readonly verifyToken: string;
  /** The Graph API base including its version, without a trailing slash. */
  readonly graphUrl: string;
  /** A pre-approved template sent when a reply falls outside the 24-hour window; undefined: none. */
  readonly template: { readonly name: string; readonly language: string } | undefined;
}

/** whatsapp-web.js: the owner's own account linked as a device by QR code. */
export interface WhatsAppWebSettings {
  readonly mode: 'web';
  /** The Chromium puppeteer runs headless. */
  readonly chromiumPath: string;
  /** In groups, only messages starting with this are requests. */
  readonly groupPrefix: string;
}

/** Settings of the WhatsApp adapter; `undefined` when WHATSAPP_MODE is unset. */
export type WhatsAppSettings = (WhatsAppCloudSettings | WhatsAppWebSettings) & {
  /** wa_ids (phone numbers in international format, digits only) who may command the box. */
  readonly allowedUsers: readonly string[];
  /** The shortest gap between two "still working" messages of one long task; 0: none. */
  readonly progressMs: number;
};

const waIds = list.refine((values) => values.every((value) => /^\+?\d{6,20}$/.test(value)), {
  message: 'expected phone numbers in international format, digits only, such as 15551234567',
});

const mode = z.enum(['cloud', 'web'], { message: 'expected cloud or web' });

const CLOUD_REQUIRED = {
  WHATSAPP_TOKEN: 'a permanent access token (Meta Business Settings → System users → Generate token)',
  WHATSAPP_PHONE_NUMBER_ID:
    'the phone number id (developers.facebook.com → your app → WhatsApp → API Setup → Phone number ID)',
  WHATSAPP_APP_SECRET:
    'the app secret, to verify webhook signatures (your app → App settings → Basic → App secret)',
  WHATSAPP_VERIFY_TOKEN:
    'a string of your choice that you also enter as the Verify token in the webhook settings',
} as const;

/** WhatsApp's variables: the mode, each transport's settings and the allowlist. */
export const whatsappSection: ConfigSection<WhatsAppSettings | undefined> = {
  variables: {
    WHATSAPP_MODE: mode.optional(),
    WHATSAPP_TOKEN: secret.optional(),
    WHATSAPP_PHONE_NUMBER_ID: z
      .string()
      .trim()
      .regex(/^\d{5,30}$/, { message: 'expected the numeric phone number id from API Setup' })
      .optional(),
    WHATSAPP_APP_SECRET: secret.optional(),
    WHATSAPP_VERIFY_TOKEN: secret.optional(),
    WHATSAPP_GRAPH_URL: httpUrl.default(WHATSAPP_DEFAULT_GRAPH_URL),
    WHATSAPP_TEMPLATE: z
      .string()
      .trim()
      .regex(/^[a-z0-9_]{1,512}$/, { message: 'expected a template name such as reply_waiting' })
      .optional(),
    WHATSAPP_TEMPLATE_LANGUAGE: z
      .string()
      .trim()
      .regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, { message: 'expected a language code such as en_US or de' })
      .default('en_US'),
    WHATSAPP_CHROMIUM_PATH: z.string().min(1).default(WHATSAPP_DEFAULT_CHROMIUM_PATH),
    WHATSAPP_GROUP_PREFIX: z
      .string()
      .trim()
      .regex(/^\S{1,32}$/, { message: 'expected one word such as /ask' })
      .default('/ask'),
    WHATSAPP_PROGRESS_SECONDS: integer(0, 3600).default(60),
    WHATSAPP_ALLOWED_USERS: waIds.default([]),
  },
  check(v) {
    const issues: ConfigIssue[] = [];
    const chosen = v['WHATSAPP_MODE'] as 'cloud' | 'web' | undefined;
    if (chosen === 'cloud') {
      for (const [variable, what] of Object.entries(CLOUD_REQUIRED)) {
        if (v[variable] === undefined)
          issues.push({ variable, message: `required with WHATSAPP_MODE=cloud: ${what}` });
      }
    }
    if (chosen !== 'cloud') {
      const set = Object.keys(CLOUD_REQUIRED).filter((variable) => v[variable] !== undefined);
      if (set.length > 0)
        issues.push({
          variable: 'WHATSAPP_MODE',
          message: `${set.join(', ')} ${set.length === 1 ? 'is' : 'are'} set: set WHATSAPP_MODE=cloud to use the Cloud API`,
        });
    }
    return issues;
  },
  build(v) {
    const chosen = v['WHATSAPP_MODE'] as 'cloud' | 'web' | undefined;
    if (chosen === undefined) return undefined;
    const shared = {
      allowedUsers: (v['WHATSAPP_ALLOWED_USERS'] as string[]).map((id) => id.replace(/^\+/, '')),
      progressMs: (v['WHATSAPP_PROGRESS_SECONDS'] as number) * 1000,
    };
    if (chosen === 'web') {
      return {
        ...shared,
        mode: 'web',
        chromiumPath: v['WHATSAPP_CHROMIUM_PATH'] as string,
        groupPrefix: v['WHATSAPP_GROUP_PREFIX'] as string,
      };
    }
    const template = v['WHATSAPP_TEMPLATE'] as string | undefined;
    return {
      ...shared,
      mode: 'cloud',
      token: v['WHATSAPP_TOKEN'] as string,
      phoneNumberId: v['WHATSAPP_PHONE_NUMBER_ID'] as string,
      appSecret: v['WHATSAPP_APP_SECRET'] as string,
      verifyToken: v['WHATSAPP_VERIFY_TOKEN'] as string,
      graphUrl: (v['WHATSAPP_GRAPH_URL'] as string).replace(/\/+$/, ''),
      template:
        template === undefined
          ? undefined
          : { name: template, language: v['WHATSAPP_TEMPLATE_LANGUAGE'] as string },
    };
  },
};
