/** UTC time helpers. Pure. */

/** "2026-11-28T18:04" for an epoch in milliseconds (UTC). */
export function minuteOf(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 16);
}

/** Epoch milliseconds of the start of a "YYYY-MM-DDTHH:MM" minute. */
export function minuteStartMs(minute: string): number {
  return Date.parse(`${minute}:00.000Z`);
}

/** The `count` minutes before `minute`, most recent first. */
export function previousMinutes(minute: string, count: number): string[] {
  const start = minuteStartMs(minute);
  const out: string[] = [];
  for (let i = 1; i <= count; i++) out.push(minuteOf(start - i * 60_000));
  return out;
}

/** "YYYY-MM-DD" (UTC) for an epoch in milliseconds. */
export function dateOf(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}
