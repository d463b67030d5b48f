import { createHash, timingSafeEqual } from 'node:crypto';

/** `tickets`: tickets, subjects, zone capacity. `admin`: everything, zones, technicians and services too. */
export type Scope = 'tickets' | 'admin';

/** A configured API key: its name (kept in logs and the audit trail), the secret, its scope. */
export interface ApiKey {
  readonly name: string;
  readonly key: string;
  readonly scope: Scope;
}

/** Who a request comes from, once its key is checked. */
export interface Caller {
  readonly name: string;
  readonly scope: Scope;
}

export interface Authenticator {
  /** False when no key is configured: the API is open and callers are anonymous. */
  readonly enabled: boolean;
  /**
   * The caller whose key the request carries, if it is a configured key: in `Authorization`
   * (`Api-Key <key>` or `Bearer <key>`), else in `X-API-Key`.
   */
  identify(authorization: string | undefined, apiKeyHeader?: string | undefined): Caller | undefined;
}

const AUTHORIZATION = /^(?:Api-Key|Bearer)\s+(\S+)\s*$/i;
const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Checks `Authorization: Api-Key <key>` (WispHub's convention), `Authorization: Bearer <key>`, or
 * `X-API-Key: <key>` (what the reference middleware's clients send).
 * Keys are compared as SHA-256 digests with timingSafeEqual, against every configured key without
 * stopping early, so the time taken says nothing about the key or about which key came close.
 */
export function createAuthenticator(keys: readonly ApiKey[]): Authenticator {
  const known = keys.map((k) => ({ caller: { name: k.name, scope: k.scope }, digest: digest(k.key) }));
  return {
    enabled: known.length > 0,
    identify(authorization, apiKeyHeader) {
      const given =
        authorization === undefined
          ? apiKeyHeader === undefined
            ? undefined
            : /^\s*(\S+)\s*$/.exec(apiKeyHeader)?.[1]
          : AUTHORIZATION.exec(authorization)?.[1];
      if (given === undefined) return undefined;
      const candidate = digest(given);
      let found: Caller | undefined;
      for (const entry of known) {
        if (timingSafeEqual(candidate, entry.digest) && found === undefined) found = entry.caller;
      }
      return found;
    },
  };
}

/** Whether a key of scope `granted` may call an operation that needs `needed`. */
export const allows = (granted: Scope, needed: Scope): boolean => granted === 'admin' || needed === 'tickets';
