import { err, ok, Result } from 'neverthrow';
import { z } from 'zod';
import type { StatusFormat } from './types.js';
import { DEFAULT_API_KEY } from './wisphub-simulator.js';

/** What `main.ts` reads from the environment. */
export interface SimConfig {
  readonly port: number;
  readonly apiKey: string;
  readonly clients: number;
  readonly zones: number;
  readonly technicians: number;
  readonly pageSize: number;
  readonly statusFormat: StatusFormat;
}

const integer = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, { error: `must be a whole number from ${min} to ${max}` })
    .transform(Number)
    .pipe(
      z
        .int()
        .min(min, { error: `must be from ${min} to ${max}` })
        .max(max, { error: `must be from ${min} to ${max}` }),
    );

type Variables = {
  readonly [K in keyof SimConfig]: {
    readonly name: string;
    readonly schema: z.ZodType<SimConfig[K]>;
    readonly fallback: string;
  };
};

const VARIABLES: Variables = {
  port: { name: 'WISPHUB_SIM_PORT', schema: integer(0, 65_535), fallback: '8089' },
  apiKey: {
    name: 'WISPHUB_SIM_API_KEY',
    schema: z.string().regex(/^\S+$/, { error: 'must be one word, without spaces' }),
    fallback: DEFAULT_API_KEY,
  },
  clients: { name: 'WISPHUB_SIM_CLIENTS', schema: integer(0, 1_000_000), fallback: '1200' },
  zones: { name: 'WISPHUB_SIM_ZONES', schema: integer(0, 100_000), fallback: '12' },
  technicians: { name: 'WISPHUB_SIM_TECHNICIANS', schema: integer(0, 100_000), fallback: '8' },
  pageSize: { name: 'WISPHUB_SIM_PAGE_SIZE', schema: integer(1, 10_000), fallback: '50' },
  statusFormat: {
    name: 'WISPHUB_SIM_STATUS_FORMAT',
    schema: z.enum(['code', 'label', 'mixed'], { error: 'must be code, label or mixed' }),
    fallback: 'label',
  },
};

function read<K extends keyof SimConfig>(
  env: Readonly<Record<string, string | undefined>>,
  key: K,
): Result<SimConfig[K], string> {
  const { name, schema, fallback } = VARIABLES[key];
  const raw = env[name] ?? fallback;
  const parsed = schema.safeParse(raw);
  return parsed.success
    ? ok(parsed.data)
    : err(`${name} ${parsed.error.issues[0]?.message ?? 'is invalid'} (got ${JSON.stringify(raw)})`);
}

/** The simulator's settings from WISPHUB_SIM_* variables, or one line naming the first bad one. */
export function readSimConfig(env: Readonly<Record<string, string | undefined>>): Result<SimConfig, string> {
  return Result.combine([
    read(env, 'port'),
    read(env, 'apiKey'),
    read(env, 'clients'),
    read(env, 'zones'),
    read(env, 'technicians'),
    read(env, 'pageSize'),
    read(env, 'statusFormat'),
  ]).map(([port, apiKey, clients, zones, technicians, pageSize, statusFormat]) => ({
    port,
    apiKey,
    clients,
    zones,
    technicians,
    pageSize,
    statusFormat,
  }));
}
