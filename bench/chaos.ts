/**
 * Chaos: kill the box mid-request, restart it, count what users got.
 *
 *   pnpm bench:chaos --kills 30 --platforms web,telegram,slack,discord --driver pglite|postgres|both --seed N
 *
 * The fake platforms (Telegram, Slack, Discord) and a slow fake model run in this process; the box runs as a
 * child process (`switchboard start`) pointed at them. Each round sends one request per platform, then
 * SIGKILLs the box at a planned moment after one of them (before the acknowledgement, while accepting,
 * mid-answer, or around the final delivery) and starts it again. At the end everything gets a bounded time
 * to settle, the box is stopped, and the bench counts per request the final replies its user saw, and in
 * the database the tasks left open and the answered requests whose rows are missing. See bench/README.md.
 */

import { HELP, parseChaosArgs, reproduceCommand, UsageError } from './chaos/options';
import { formatHeader, formatScenario, LEGEND, violations } from './chaos/report';
import { runChaos } from './chaos/run';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}
let options: ReturnType<typeof parseChaosArgs>;
try {
  options = parseChaosArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}
const command = reproduceCommand(options);
process.stdout.write(`${formatHeader(options, command)}\n`);
const results = await runChaos(options, (line) => process.stdout.write(`${line}\n`));
process.stdout.write('\n');
for (const result of results) process.stdout.write(`${formatScenario(result)}\n\n`);
process.stdout.write(`${LEGEND}\n\nreproduce: ${command}\n`);
const broken = results.flatMap((result) => violations(result).map((line) => `${result.driver}: ${line}`));
process.stdout.write(
  broken.length === 0 ? 'every request ended with exactly one final reply.\n' : `${broken.join('\n')}\n`,
);
process.exit(broken.length === 0 ? 0 : 1);
