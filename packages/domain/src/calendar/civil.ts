/** Milliseconds in a civil day (local time, ignoring offset changes). */
export const MS_PER_DAY = 86_400_000;

/** Floor division for possibly negative numerators. */
export function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = floorDiv(y, 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = floorDiv(153 * mp + 2, 5) + day - 1;
  const doe = yoe * 365 + floorDiv(yoe, 4) - floorDiv(yoe, 100) + doy;
  return era * 146_097 + doe - 719_468;
}

export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** The Gregorian date of a day count since 1970-01-01 (H. Hinnant's civil_from_days). */
export function civilFromDays(epochDay: number): CivilDate {
  const z = epochDay + 719_468;
  const era = floorDiv(z, 146_097);
  const doe = z - era * 146_097;
  const yoe = floorDiv(doe - floorDiv(doe, 1460) + floorDiv(doe, 36_524) - floorDiv(doe, 146_096), 365);
  const doy = doe - (365 * yoe + floorDiv(yoe, 4) - floorDiv(yoe, 100));
  const mp = floorDiv(5 * doy + 2, 153);
  const day = doy - floorDiv(153 * mp + 2, 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a day count since 1970-01-01, a Thursday. */
export function isoWeekday(epochDay: number): number {
  return ((((epochDay + 3) % 7) + 7) % 7) + 1;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The day count of a strict `YYYY-MM-DD` date, or undefined when it is not a real date. */
export function parseIsoDate(text: string): number | undefined {
  const m = ISO_DATE.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const epochDay = daysFromCivil(year, month, day);
  const back = civilFromDays(epochDay);
  return back.month === month && back.day === day ? epochDay : undefined;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function pad4(n: number): string {
  return n >= 0 && n < 10_000 ? String(n).padStart(4, '0') : String(n);
}

/** `YYYY-MM-DD` of a day count since 1970-01-01. */
export function formatIsoDate(epochDay: number): string {
  const { year, month, day } = civilFromDays(epochDay);
  return `${pad4(year)}-${pad2(month)}-${pad2(day)}`;
}

/** `YYYY-MM-DD HH:mm` of local milliseconds (wall-clock time counted as if it were UTC). */
export function formatLocalMinute(localMs: number): string {
  const epochDay = floorDiv(localMs, MS_PER_DAY);
  const minuteOfDay = floorDiv(localMs - epochDay * MS_PER_DAY, 60_000);
  return `${formatIsoDate(epochDay)} ${pad2(floorDiv(minuteOfDay, 60))}:${pad2(minuteOfDay % 60)}`;
}
