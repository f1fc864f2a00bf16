import { boxSection } from './box';
import { deploymentSection } from './deployment';
import { memorySection } from './memory';
import { modelSection } from './models';
import { discordSection } from './platforms/discord';
import { slackSection } from './platforms/slack';
import { telegramSection } from './platforms/telegram';
import { whatsappSection } from './platforms/whatsapp';
import { pricingSection } from './pricing';
import { routingSection } from './routing';
import { toolSection } from './tools';

/** Every configuration section, in the order problems are reported. */
export const sections = {
  box: boxSection,
  deployment: deploymentSection,
  models: modelSection,
  pricing: pricingSection,
  routing: routingSection,
  memory: memorySection,
  tools: toolSection,
  telegram: telegramSection,
  slack: slackSection,
  discord: discordSection,
  whatsapp: whatsappSection,
} as const;

/**
 * Every setting, by its environment variable name. The same names are accepted as keys of
 * `switchboard.config.json`; the environment wins where both set one. `.env.example` documents each.
 */
export const variables = Object.assign(
  {},
  ...Object.values(sections).map((section) => section.variables),
) as Record<string, (typeof boxSection.variables)[string]>;

/** The environment variable prefix Switchboard owns: an unknown name with it is a typo, reported. */
export const OWN_PREFIX = 'SWITCHBOARD_';
