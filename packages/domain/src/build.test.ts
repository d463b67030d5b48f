import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
// Inside the package, so that the built files resolve zod, neverthrow and temporal-polyfill.
const outDir = mkdtempSync(join(packageDir, '.build-test-'));

describe('the published build', () => {
  afterAll(() => {
    rmSync(outDir, { recursive: true, force: true });
  });

  it('compiles to ESM with declarations that plain Node can import and run', () => {
    const tsc = fileURLToPath(import.meta.resolve('typescript/bin/tsc'));
    execFileSync(process.execPath, [tsc, '-p', join(packageDir, 'tsconfig.build.json'), '--outDir', outDir]);
    expect(existsSync(join(outDir, 'index.d.ts'))).toBe(true);
    expect(existsSync(join(outDir, 'ticket-desk.test.js'))).toBe(false);
    const script = `
      const d = await import(${JSON.stringify(join(outDir, 'index.js'))});
      const calendar = d.createBusinessCalendar({ timeZone: 'America/Bogota', weekdays: [1, 2, 3, 4, 5], holidays: d.noHolidays })._unsafeUnwrap();
      console.log(calendar.format(calendar.addBusinessDays(Date.parse('2026-02-26T15:00:00Z'), 3)));
    `;
    const printed = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(printed.trim()).toBe('2026-03-03 10:00');
  }, 60_000);
});
