/** What the progress bar shows. */
export interface ProgressSnapshot {
  readonly label: string;
  readonly rows: number;
  readonly bytesRead: number;
  readonly totalBytes: number;
  readonly elapsedMs: number;
}

const count = (n: number): string => Math.round(n).toLocaleString('en-US');

/**
 * One line of progress, at most `columns` wide:
 * `services ██████████░░░░░░░░░░  52%  52,000 rows  48,100 rows/s`.
 */
export function renderProgress(snapshot: ProgressSnapshot, columns: number): string {
  const { label, rows, bytesRead, totalBytes, elapsedMs } = snapshot;
  const fraction = totalBytes > 0 ? Math.min(1, bytesRead / totalBytes) : 1;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const rate = elapsedMs > 0 ? (rows * 1000) / elapsedMs : 0;
  const tail = ` ${percent}  ${count(rows)} rows  ${count(rate)} rows/s`;
  const room = columns - 1 - label.length - 1 - tail.length;
  if (room < 10) return `${label}${tail}`.slice(0, Math.max(0, columns - 1));
  const width = Math.min(40, room);
  const filled = Math.round(fraction * width);
  return `${label} ${'█'.repeat(filled)}${'░'.repeat(width - filled)}${tail}`;
}

/** A terminal the bar is drawn on: stderr, say. */
export interface ProgressTerminal {
  readonly columns?: number | undefined;
  write(text: string): unknown;
}

export interface ProgressBar {
  /** Redraws the bar, at most every `intervalMs` (always when `force`). */
  update(rows: number, bytesRead: number, force?: boolean): void;
  /** Erases the bar, leaving the cursor at the start of its line. */
  clear(): void;
}

/** A bar redrawn in place (carriage return, erase line) at most every `intervalMs`. */
export function createProgressBar(options: {
  readonly terminal: ProgressTerminal;
  readonly label: string;
  readonly totalBytes: number;
  readonly intervalMs?: number;
  readonly now?: () => number;
}): ProgressBar {
  const { terminal, label, totalBytes, intervalMs = 100, now = () => performance.now() } = options;
  const started = now();
  let drawnAt = Number.NEGATIVE_INFINITY;
  let drawn = false;
  return {
    update(rows, bytesRead, force = false) {
      const at = now();
      if (!force && at - drawnAt < intervalMs) return;
      drawnAt = at;
      drawn = true;
      const line = renderProgress(
        { label, rows, bytesRead, totalBytes, elapsedMs: at - started },
        terminal.columns ?? 80,
      );
      terminal.write(`\r\x1b[2K${line}`);
    },
    clear() {
      if (drawn) terminal.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
