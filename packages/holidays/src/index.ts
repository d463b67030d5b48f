export { createDateHolidaysSource, type UnknownHolidayRegion } from './date-holidays-source.js';
