import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

describe('the README example', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('is shown in the README exactly as the file the tests compile', () => {
    expect(read('../README.md')).toContain(read('../examples/custom-store.ts').trim());
  });

  it('opens a ticket through a custom store, due three business days later', async () => {
    const lines: unknown[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
      lines.push(line);
    });
    await import('../examples/custom-store.js');
    expect(lines).toEqual(['ticket 1 due 2026-03-03 10:00']);
  });
});
