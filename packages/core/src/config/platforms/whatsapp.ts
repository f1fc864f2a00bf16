import { list } from '../fields';
import type { ConfigSection } from '../section';

/** WhatsApp's allowlist (the adapter comes with its own issue). */
export const whatsappSection: ConfigSection<{ readonly allowedUsers: readonly string[] }> = {
  variables: { WHATSAPP_ALLOWED_USERS: list.default([]) },
  build: (v) => ({ allowedUsers: v['WHATSAPP_ALLOWED_USERS'] as string[] }),
};
