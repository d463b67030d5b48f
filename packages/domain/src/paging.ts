import type { PageRequest } from './ports.js';
import type { PageQuery } from './schemas.js';

/** One page of a listing; `next_cursor` asks for the next one, null on the last. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly next_cursor: string | null;
}

const DEFAULT_PAGE_SIZE = 50;

/** What to ask the store for: one row more than the page holds, which tells whether there is a next. */
export function pageRequest(query: PageQuery): PageRequest & { readonly limit: number } {
  return {
    limit: (query.limit ?? DEFAULT_PAGE_SIZE) + 1,
    after: query.cursor === undefined ? undefined : Number(query.cursor),
  };
}

/** The page of `rows` (fetched with `pageRequest`), its cursor the id (or the cursor) of its last item. */
export function pageOf<T>(
  rows: readonly T[],
  request: { readonly limit: number },
  idOf: (row: T) => number | string,
): Page<T> {
  const size = request.limit - 1;
  if (rows.length <= size) return { items: rows, next_cursor: null };
  const items = rows.slice(0, size);
  return { items, next_cursor: String(idOf(items[size - 1] as T)) };
}
