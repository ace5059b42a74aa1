import type { FactInputs } from './script.js';

/** date_time from one `date '+%s %N %Y %m %d %H %M %S %Z %z %A %w %W'` (local time on the host). */
export function dateTimeFacts(inputs: FactInputs): Record<string, string> {
  const line = inputs.sections.get('date')?.[0]?.trim();
  if (!line) return {};
  const [epoch, nanos, year, month, day, hour, minute, second, tz, tzOffset, weekday, weekdayNumber, weeknumber] = line.split(/\s+/);
  const micro = /^\d{9}$/.test(nanos) ? nanos.slice(0, 6) : '000000';
  const utc = new Date(Number(epoch) * 1000).toISOString().slice(0, 19);
  return {
    year, month, day, hour, minute, second, weekday, weekday_number: weekdayNumber, weeknumber,
    epoch, epoch_int: epoch,
    date: `${year}-${month}-${day}`,
    time: `${hour}:${minute}:${second}`,
    iso8601: `${utc}Z`,
    iso8601_micro: `${utc}.${micro}Z`,
    iso8601_basic: `${year}${month}${day}T${hour}${minute}${second}${micro}`,
    iso8601_basic_short: `${year}${month}${day}T${hour}${minute}${second}`,
    tz,
    tz_offset: tzOffset,
  };
}
