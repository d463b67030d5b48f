// A child process's script (dist/holidays-worker.js): `holidays-worker.js CODE FROM_YEAR TO_YEAR`
// prints the HolidaysAnswer of a country's years, from date-holidays, as JSON. Its memory goes
// with it when it exits, which a worker thread's does not all do.
import { createDateHolidaysSource, tabulateHolidays } from '@tickets/holidays';
import type { HolidaysAnswer } from './worker-holidays.js';

const [code = '', fromYear = '', toYear = ''] = process.argv.slice(2);
const answer: HolidaysAnswer = createDateHolidaysSource(code).match(
  (source) => ({ table: tabulateHolidays(source, Number(fromYear), Number(toYear)) }),
  (unknown) => ({ unknown }),
);
process.stdout.write(JSON.stringify(answer));
