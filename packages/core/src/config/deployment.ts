import { z } from 'zod';
import type { ConfigIssue } from '../errors';
import { integer } from './fields';
import type { ConfigSection } from './section';

/**
 * What one process of the box does: `all` (everything in one process, the default), `gateway` (platform
 * connections, the HTTP server and delivery) or `worker` (agents, models and tools; no platform connection).
 */
export type BoxRole = 'all' | 'gateway' | 'worker';

/** How the box's processes find each other. */
export interface DeploymentSettings {
  readonly role: BoxRole;
  /** NATS JetStream servers (`NATS_URL`); unset means the in-memory bus of one process. */
  readonly natsUrl: string | undefined;
  /** The start of every NATS stream and subject name, shared by all processes of one box. */
  readonly natsPrefix: string;
  /**
   * The gateway's name on NATS (`SWITCHBOARD_GATEWAY_ID`): reply parts wait for it in a durable consumer of
   * that name, so it must stay the same over restarts and differ between gateways of one box.
   */
  readonly gatewayId: string;
  /**
   * `SWITCHBOARD_NATS_ACK_WAIT_SECONDS`: how long an event may go without a sign of life from its worker
   * before NATS gives it to another worker (a running worker renews it every third of this).
   */
  readonly natsAckWaitMs: number;
}

const natsUrl = z
  .string()
  .trim()
  .refine(
    (value) =>
      value
        .split(',')
        .every((server) => /^(nats|tls|wss?):\/\//.test(server.trim()) && URL.canParse(server.trim())),
    { message: 'expected nats://host:4222 (several servers comma-separated)' },
  );

/** `SWITCHBOARD_ROLE`, `NATS_URL`, `SWITCHBOARD_NATS_PREFIX`, `SWITCHBOARD_GATEWAY_ID`. See docs/deploying.md. */
export const deploymentSection: ConfigSection<DeploymentSettings> = {
  variables: {
    SWITCHBOARD_ROLE: z
      .enum(['all', 'gateway', 'worker'], { message: 'expected all, gateway or worker' })
      .default('all'),
    NATS_URL: natsUrl.optional(),
    SWITCHBOARD_NATS_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,40}$/, { message: 'expected letters, digits, _ and - (at most 40)' })
      .default('switchboard'),
    SWITCHBOARD_GATEWAY_ID: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,40}$/, { message: 'expected letters, digits, _ and - (at most 40)' })
      .default('gateway'),
    SWITCHBOARD_NATS_ACK_WAIT_SECONDS: integer(1, 3600).default(30),
  },
  check(v) {
    const issues: ConfigIssue[] = [];
    const role = v['SWITCHBOARD_ROLE'] as BoxRole;
    if (role === 'all') return issues;
    if (v['NATS_URL'] === undefined) {
      issues.push({
        variable: 'NATS_URL',
        message: `required for SWITCHBOARD_ROLE=${role}: gateways and workers meet on NATS JetStream (see docs/deploying.md)`,
      });
    }
    if (v['DATABASE_URL'] === undefined) {
      issues.push({
        variable: 'DATABASE_URL',
        message: `required for SWITCHBOARD_ROLE=${role}: several processes share one Postgres; the embedded PGlite database belongs to one process`,
      });
    }
    return issues;
  },
  build: (v) => ({
    role: v['SWITCHBOARD_ROLE'] as BoxRole,
    natsUrl: v['NATS_URL'] as string | undefined,
    natsPrefix: v['SWITCHBOARD_NATS_PREFIX'] as string,
    gatewayId: v['SWITCHBOARD_GATEWAY_ID'] as string,
    natsAckWaitMs: (v['SWITCHBOARD_NATS_ACK_WAIT_SECONDS'] as number) * 1000,
  }),
};
