import { fc } from '@fast-check/vitest';

/**
 * JSON text kept verbatim (numbers JSON.stringify cannot write: `1e400`, `-0`, 30 digits), shown in
 * counterexamples by its label (a body of 60 KiB is shown as what it is made of).
 */
export class Raw {
  constructor(
    readonly text: string,
    readonly label = text,
  ) {}
  [fc.toStringMethod]() {
    return `Raw(${this.label})`;
  }
}

/** A JSON object as its members, in order; a key may repeat (JSON.parse keeps the last). */
export type Members = [string, unknown][];

/** JSON text of a value; `show` writes each Raw as its label instead, for counterexamples. */
function toJson(value: unknown, show = false): string {
  if (value instanceof Raw) return show ? value.label : value.text;
  if (Array.isArray(value)) return `[${value.map((v) => toJson(v, show)).join(',')}]`;
  if (value !== null && typeof value === 'object') return membersToJson(Object.entries(value), show);
  return JSON.stringify(value) ?? 'null';
}

/** JSON text of an object given as its members; `show` writes each Raw as its label. */
export const membersToJson = (members: Members, show = false) =>
  `{${members.map(([key, value]) => `${JSON.stringify(key)}:${toJson(value, show)}`).join(',')}}`;

/** A JSON object body, shown in counterexamples with its long parts abbreviated. */
export const jsonBody = (members: Members) => new Raw(membersToJson(members), membersToJson(members, true));

/** A string of `n` times `char`, as a JSON value. */
export const long = (char: string, n: number) => new Raw(JSON.stringify(char.repeat(n)), `"${char}"×${n}`);

/** A request as plain data, which is what fast-check prints on failure. */
export interface Hostile {
  readonly method: string;
  /** Path and query, appended to http://localhost as they are (the URL parser normalizes them). */
  readonly path: string;
  readonly headers: readonly (readonly [string, string])[];
  /** Sent as bytes, so no Content-Type is added that the headers do not name. */
  readonly body?: Body | undefined;
}
export type Body = string | Uint8Array | Raw;

export const bytesOf = (body: Body): Uint8Array =>
  body instanceof Uint8Array ? body : new TextEncoder().encode(body instanceof Raw ? body.text : body);

/** A body as JSON text kept verbatim, whatever it was made as. */
export const asRaw = (body: Body): Raw =>
  body instanceof Raw ? body : new Raw(typeof body === 'string' ? body : new TextDecoder().decode(body));

export function toRequest({ method, path, headers, body }: Hostile): Request {
  const bytes = body === undefined ? undefined : bytesOf(body);
  return new Request(`http://localhost${path}`, {
    method,
    headers: headers.map(([name, value]) => [name, value]),
    body: method === 'GET' || method === 'HEAD' ? undefined : bytes,
  });
}

export const contentTypeHeader = (type: string | undefined): [string, string][] =>
  type === undefined ? [] : [['content-type', type]];

/** The request with one more header, or as it is when the value is undefined. */
export const withHeader = (hostile: Hostile, name: string, value: string | undefined): Hostile =>
  value === undefined ? hostile : { ...hostile, headers: [...hostile.headers, [name, value]] };

/** A create of a ticket with these members as its JSON body, over REST or tRPC. */
export const createRequest = (transport: 'rest' | 'trpc', members: Members): Hostile => ({
  method: 'POST',
  path: transport === 'rest' ? '/api/v1/tickets' : '/trpc/tickets.create',
  headers: [['content-type', 'application/json']],
  body: jsonBody(members),
});
