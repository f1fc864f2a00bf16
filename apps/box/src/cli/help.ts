/** Print the CLI's commands. */
export function printHelp(): number {
  console.log(`switchboard — an agent box you command from your chat apps

Usage: switchboard <command>

  start     run the box: web chat on http://127.0.0.1:3000 and every configured platform
            (--role gateway|worker runs one part of a box spread over NATS; docs/deploying.md)
  chat      chat with the box in this terminal (-c NAME for another conversation); starts a
            private box when none runs. Ctrl+C stops an answer, Ctrl+D quits
  doctor    check configuration, database, models and platforms, and say what to fix
  migrate   apply database migrations (start does this too)
  models    list the configured models: local or cloud, default, health, price (exit 1 if one is down)
  discord   discord invite: print the URL that adds the Discord bot to a server
  whatsapp  whatsapp link: link your own WhatsApp by QR code (WHATSAPP_MODE=web)
  help      this text

Settings come from the environment, .env and switchboard.config.json; .env.example lists them all.`);
  return 0;
}
