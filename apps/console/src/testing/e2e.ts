import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import axe from 'axe-core';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

// What the console's Chromium tests share: the build, REST calls, the page's problems, its regions, axe.

const consoleDir = fileURLToPath(new URL('../../', import.meta.url));
/** The console's build, which the server serves. */
export const distDir = join(consoleDir, 'dist');
/** Where tests leave screenshots (not committed). */
export const artifacts = join(consoleDir, '.artifacts');

/** The newest modification time of what the build reads (tests left out). */
function newestSource(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return /\.test\.tsx?$/.test(path) ? 0 : stat.mtimeMs;
  return readdirSync(path)
    .filter((name) => name !== 'testing')
    .reduce((newest, name) => Math.max(newest, newestSource(join(path, name))), 0);
}

/**
 * Builds the console when dist is missing or older than its sources. The build goes to a
 * directory of its own and replaces dist in one rename, so a server starting meanwhile (other
 * test files start some) never reads half a build.
 */
export function buildIfStale(): void {
  const sources = ['src', 'index.html', 'vite.config.ts', 'package.json'].map((p) => join(consoleDir, p));
  const index = join(distDir, 'index.html');
  const newest = Math.max(...sources.map(newestSource));
  if (existsSync(index) && statSync(index).mtimeMs >= newest) return;
  const outDir = join(consoleDir, 'node_modules', `.build-${process.pid}`);
  const vite = join(consoleDir, 'node_modules', 'vite', 'bin', 'vite.js');
  const built = spawnSync(process.execPath, [vite, 'build', '--outDir', outDir, '--emptyOutDir'], {
    cwd: consoleDir,
    encoding: 'utf8',
  });
  if (built.status !== 0) throw new Error(`vite build failed:\n${built.stdout}\n${built.stderr}`);
  const old = join(consoleDir, 'node_modules', `.old-dist-${process.pid}`);
  if (existsSync(distDir)) renameSync(distDir, old);
  renameSync(outDir, distDir);
  rmSync(old, { recursive: true, force: true });
}

/** A JSON call to the REST API, with an API key when one is given. */
export async function rest(baseUrl: string, method: string, path: string, body: unknown, key?: string) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(key === undefined ? {} : { authorization: `Api-Key ${key}` }),
    },
    body: JSON.stringify(body),
  });
  expect(response.status, `${method} ${path}`).toBeLessThan(300);
}

/** Everything that went wrong in the page: errors, failed requests, error statuses (unless expected). */
export function watch(page: Page, expectedStatuses: readonly number[] = []): string[] {
  const problems: string[] = [];
  const expected = (text: string) => expectedStatuses.some((status) => text.includes(`status of ${status}`));
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !expected(message.text()))
      problems.push(`console error: ${message.text()}`);
  });
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? '';
    // Polls cut short by a reload are not failures.
    if (!reason.includes('ERR_ABORTED')) problems.push(`failed request: ${request.url()} (${reason})`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400 && !expectedStatuses.includes(response.status()))
      problems.push(`${response.status()} for ${response.url()}`);
  });
  return problems;
}

export const form = (page: Page) => page.getByRole('region', { name: 'Nuevo ticket' });
export const board = (page: Page) => page.getByRole('region', { name: 'Tablero de zonas' });
export const list = (page: Page) => page.getByRole('region', { name: 'Tickets' });
export const zoneCard = (page: Page, name: string) =>
  board(page)
    .getByRole('listitem')
    .filter({ has: page.getByText(name, { exact: true }) });

/** Chooses a service in the form's picker: types its number and clicks its line among the matches. */
export async function pickService(page: Page, serviceId: string): Promise<void> {
  const f = form(page);
  await f.getByRole('combobox', { name: 'Servicio' }).fill(serviceId);
  await f.getByRole('option', { name: new RegExp(`^${serviceId} ·`) }).click();
}

/** Fills the form with the catalogue's choices and sends it. */
export async function createTicket(
  page: Page,
  ticket: { service: string; technician: string; subject: string; description: string },
): Promise<void> {
  const f = form(page);
  await pickService(page, ticket.service);
  await f.getByLabel('Técnico').selectOption(ticket.technician);
  await f.getByLabel('Asunto').selectOption(ticket.subject);
  await f.getByLabel('Descripción').fill(ticket.description);
  await f.getByRole('button', { name: 'Crear ticket' }).click();
  await f.getByRole('button', { name: 'Crear ticket' }).waitFor({ state: 'visible' });
}

export async function text(locator: ReturnType<Page['locator']>): Promise<string> {
  return ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** WCAG 2.2 AA, as axe-core tags it. */
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * axe-core's violations of WCAG 2.2 AA on the page as it is now, one line each (rule, impact and
 * the elements), for `expect(...).toEqual([])`.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axe.source });
  return page.evaluate(async (tags) => {
    const results = await (window as unknown as { axe: typeof axe }).axe.run(document, {
      runOnly: { type: 'tag', values: tags },
    });
    return results.violations.map(
      (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
  }, WCAG_TAGS);
}
