import { err, ok, type Result } from 'neverthrow';

/** DRF's PageNumberPagination body. */
export interface Page<T> {
  readonly count: number;
  readonly next: string | null;
  readonly previous: string | null;
  readonly results: readonly T[];
}

/** The `{"detail"}` DRF answers with 404 for a page that is not a number or out of range. */
export const INVALID_PAGE = 'Página inválida.';

// DRF rewrites the request's own absolute URL, query keys sorted, and drops `page` for the first page.
function pageLink(requestUrl: string, page: number): string {
  const url = new URL(requestUrl);
  if (page === 1) url.searchParams.delete('page');
  else url.searchParams.set('page', String(page));
  url.searchParams.sort();
  return url.toString();
}

/**
 * One page of items the way DRF's PageNumberPagination cuts it: `page` is a number from 1 (or
 * "last"), links are absolute and keep the other query parameters. An empty list still has page 1.
 */
export function paginate<T>(
  items: readonly T[],
  page: string | undefined,
  pageSize: number,
  requestUrl: string,
): Result<Page<T>, typeof INVALID_PAGE> {
  const pages = Math.max(1, Math.ceil(items.length / pageSize));
  const number = page === undefined ? 1 : page === 'last' ? pages : /^\d+$/.test(page) ? Number(page) : 0;
  if (number < 1 || number > pages) return err(INVALID_PAGE);
  return ok({
    count: items.length,
    next: number < pages ? pageLink(requestUrl, number + 1) : null,
    previous: number > 1 ? pageLink(requestUrl, number - 1) : null,
    results: items.slice((number - 1) * pageSize, number * pageSize),
  });
}
