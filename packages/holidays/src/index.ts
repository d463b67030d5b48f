export { type CountryCalendarOptions, createCountryCalendar } from './country-calendar.js';
export { createDateHolidaysSource, type UnknownHolidayRegion } from './date-holidays-source.js';
export { createTableHolidaySource, type HolidayTable, tabulateHolidays } from './holiday-table.js';
