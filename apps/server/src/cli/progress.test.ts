import { describe, expect, it } from 'vitest';
import { createProgressBar, renderProgress } from './progress.js';

describe('the progress line', () => {
  it('shows the share of the file read, the rows and the rate', () => {
    const line = renderProgress(
      { label: 'services', rows: 52_000, bytesRead: 520, totalBytes: 1000, elapsedMs: 1_000 },
      80,
    );
    const match = /^services (█+)(░+) {2}52% {2}52,000 rows {2}52,000 rows\/s$/.exec(line);
    const [filled = '', empty = ''] = match?.slice(1) ?? [];
    expect(filled.length / (filled.length + empty.length)).toBeCloseTo(0.52, 1);
    expect(line.length).toBeLessThan(80);
  });

  it('fits a narrow terminal by dropping the bar', () => {
    const line = renderProgress(
      { label: 'zones', rows: 10, bytesRead: 10, totalBytes: 10, elapsedMs: 0 },
      30,
    );
    expect(line).toBe('zones 100%  10 rows  0 rows/s');
    expect(line.length).toBeLessThan(30);
  });

  it('shows a full bar for an empty file', () => {
    expect(
      renderProgress({ label: 'zones', rows: 0, bytesRead: 0, totalBytes: 0, elapsedMs: 5 }, 60),
    ).toContain('100%');
  });
});

describe('the progress bar', () => {
  function terminal() {
    const writes: string[] = [];
    return { writes, terminal: { columns: 100, write: (text: string) => writes.push(text) } };
  }

  it('redraws in place at most once per interval, unless forced', () => {
    let now = 0;
    const { writes, terminal: t } = terminal();
    const bar = createProgressBar({ terminal: t, label: 'services', totalBytes: 100, now: () => now });
    for (let i = 0; i < 50; i += 1) {
      now += 10;
      bar.update(i, i);
    }
    expect(writes).toHaveLength(5);
    bar.update(50, 100, true);
    expect(writes).toHaveLength(6);
    for (const write of writes) expect(write.startsWith('\r\x1b[2K')).toBe(true);
    expect(writes.at(-1)).toContain('100%');
  });

  it('erases itself when cleared, and only if it was drawn', () => {
    const { writes, terminal: t } = terminal();
    const bar = createProgressBar({ terminal: t, label: 'zones', totalBytes: 1 });
    bar.clear();
    expect(writes).toEqual([]);
    bar.update(1, 1, true);
    bar.clear();
    expect(writes.at(-1)).toBe('\r\x1b[2K');
  });
});
