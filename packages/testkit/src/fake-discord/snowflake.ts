/** Discord's epoch (2015-01-01T00:00:00Z) in milliseconds. */
const DISCORD_EPOCH = 1_420_070_400_000n;

let increment = 0n;

/**
 * A fresh Discord snowflake (18-19 digits) for `ms`. Real-looking ids matter: @discordjs/rest keys its
 * per-route rate-limit queues on `\d{17,19}` ids, so short ids would put every conversation in one queue.
 */
export function snowflake(ms: number = Date.now()): string {
  increment = (increment + 1n) & 0xfffn;
  return (((BigInt(Math.floor(ms)) - DISCORD_EPOCH) << 22n) | (1n << 17n) | increment).toString();
}

/** The creation time (ms) encoded in a snowflake. */
export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}
