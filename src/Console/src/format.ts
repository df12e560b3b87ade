// Dates and times in the platform's time zone (settings.timeZone), whatever the browser's zone.
let zone = "Asia/Jakarta";
let locale = "id-ID";

export function setTimeZone(tz: string): void {
  zone = tz;
}

export function timeZone(): string {
  return zone;
}

export function setLocale(lang: string): void {
  locale = lang === "en" ? "en-GB" : "id-ID";
}

export function fmtDateTime(d: Date | string | undefined | null): string {
  if (!d) return "—";
  return new Intl.DateTimeFormat(locale, { timeZone: zone, dateStyle: "medium", timeStyle: "medium" }).format(new Date(d));
}

export function fmtNumber(n: number | undefined | null, digits = 0): string {
  if (n === undefined || n === null) return "—";
  return new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(n);
}

export function fmtDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return `${h} j ${m} m`.replace("j", locale.startsWith("en") ? "h" : "j");
}

function offsetMinutes(instant: number, tz: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: tz, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
  }).formatToParts(new Date(instant));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60000);
}

/** A wall-clock time typed in a datetime-local field, read in the platform's zone → the instant. */
export function zonedToInstant(local: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(local);
  if (!m) return undefined;
  const guess = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0));
  let instant = guess - offsetMinutes(guess, zone) * 60000;
  instant = guess - offsetMinutes(instant, zone) * 60000;
  return new Date(instant);
}

/** An instant as the value of a datetime-local field, in the platform's zone (seconds kept). */
export function instantToZoned(d: Date): string {
  const shifted = new Date(d.getTime() + offsetMinutes(d.getTime(), zone) * 60000);
  return shifted.toISOString().slice(0, 19);
}

/** A calendar date the API sends as "2026-11-26" (the generated client makes it a Date at UTC midnight). */
export function fmtDay(d: Date | string | undefined | null): string {
  if (!d) return "—";
  return d instanceof Date ? d.toISOString().slice(0, 10) : String(d).slice(0, 10);
}
