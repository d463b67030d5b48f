const FORMAT = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2})$/;

const two = (n: number): string => String(n).padStart(2, '0');

/** Whether text is a real date and time written `DD/MM/YYYY HH:MM`, WispHub's form format. */
export function isWispHubDate(text: string): boolean {
  const parts = FORMAT.exec(text)?.slice(1).map(Number);
  if (parts === undefined) return false;
  const [day = 0, month = 0, year = 0, hour = 0, minute = 0] = parts;
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    hour < 24 &&
    minute < 60
  );
}

/** An instant written `DD/MM/YYYY HH:MM` in UTC. */
export function formatWispHubDate(date: Date): string {
  return `${two(date.getUTCDate())}/${two(date.getUTCMonth() + 1)}/${date.getUTCFullYear()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}`;
}
