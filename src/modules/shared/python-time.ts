/** Wall-clock time in microseconds since the epoch. */
export function nowMicros(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** Like Python's str(datetime.now()): "2024-05-01 12:30:05.123456", local time. */
export function formatDateTime(micros: number): string {
  const date = new Date(Math.floor(micros / 1000));
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  return `${day} ${time}.${pad(micros % 1_000_000, 6)}`;
}

/** Like Python's str(timedelta): "0:00:01.250000", with "N day(s), " in front past a day. */
export function formatTimedelta(micros: number): string {
  const totalSeconds = Math.floor(micros / 1_000_000);
  const days = Math.floor(totalSeconds / 86_400);
  const hours = Math.floor((totalSeconds % 86_400) / 3600);
  const clock = `${hours}:${pad(Math.floor((totalSeconds % 3600) / 60))}:${pad(totalSeconds % 60)}.${pad(micros % 1_000_000, 6)}`;
  return days > 0 ? `${days} day${days === 1 ? '' : 's'}, ${clock}` : clock;
}
