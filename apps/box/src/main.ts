#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { ConfigError, describeError, SwitchboardError } from '@switchboard/core';
import { runChat } from './cli/chat';
import { runDiscord } from './cli/discord';
import { runDoctor } from './cli/doctor';
import { printHelp } from './cli/help';
import { runMigrate } from './cli/migrate';
import { runModels } from './cli/models';
import { runStart } from './cli/start';
import { runWhatsApp } from './cli/whatsapp';

const commands: Record<string, (args: readonly string[]) => Promise<number>> = {
  start: runStart,
  chat: runChat,
  doctor: runDoctor,
  migrate: runMigrate,
  models: runModels,
  discord: runDiscord,
  whatsapp: runWhatsApp,
  help: async () => printHelp(),
};

async function main(argv: readonly string[]): Promise<number> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const [name = 'help', ...args] = argv;
  const command = commands[name === '--help' || name === '-h' ? 'help' : name];
  if (command === undefined) {
    console.error(`Unknown command "${name}". Run \`switchboard help\` to see the commands.`);
    return 2;
  }
  return command(args);
}

// Every command is one run: exit when it is done, even if a library left a timer or socket behind
// (discord.js can keep reconnecting after its client was destroyed).
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (ConfigError.isInstance(error)) console.error(error.message);
    else if (SwitchboardError.isInstance(error)) console.error(`${error.message} (${error.code})`);
    else console.error(`Switchboard stopped unexpectedly: ${describeError(error)}`);
    process.exit(ConfigError.isInstance(error) ? 2 : 1);
  },
);
