/**
 * Checks of single values against HUD's column types, written as character loops: the importer calls
 * them for every cell of every row, so they build no regex and allocate nothing.
 */

const ZERO = 48;
const NINE = 57;
const MINUS = 45;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function isDigit(code: number): boolean {
  return code >= ZERO && code <= NINE;
}

/** An optional minus and decimal digits, within the 32-bit signed range. */
export function isInteger(value: string): boolean {
  const n = value.length;
  let i = value.charCodeAt(0) === MINUS ? 1 : 0;
  if (i === n) return false;
  for (; i < n; i++) if (!isDigit(value.charCodeAt(i))) return false;
  if (n <= 9) return true; // nine digits never leave the 32-bit range
  const number = Number(value);
  return number >= INT32_MIN && number <= INT32_MAX;
}

function digits(value: string, at: number, count: number): number {
  let number = 0;
  for (let i = at; i < at + count; i++) {
    const code = value.charCodeAt(i);
    if (!isDigit(code)) return -1;
    number = number * 10 + (code - ZERO);
  }
  return number;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** A real calendar date `YYYY-MM-DD` at `at` (year 0001 to 9999). */
function dateAt(value: string, at: number): boolean {
  if (value.charCodeAt(at + 4) !== MINUS || value.charCodeAt(at + 7) !== MINUS) return false;
  const year = digits(value, at, 4);
  const month = digits(value, at + 5, 2);
  const day = digits(value, at + 8, 2);
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

/** HUD's date format `YYYY-MM-DD`, a real calendar date. */
export function isDate(value: string): boolean {
  return value.length === 10 && dateAt(value, 0);
}

/** HUD's timestamp format `YYYY-MM-DD hh:mm:ss`, a real date and time (no leap seconds). */
export function isDateTime(value: string): boolean {
  if (value.length !== 19 || value.charCodeAt(10) !== 32) return false;
  if (value.charCodeAt(13) !== 58 || value.charCodeAt(16) !== 58) return false;
  const hour = digits(value, 11, 2);
  const minute = digits(value, 14, 2);
  const second = digits(value, 17, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  return dateAt(value, 0);
}

/** HUD's money types: `-?\d+(\.\d{1,2})?`; `M+` (nonNegative) has no minus. */
export function isMoney(value: string, nonNegative: boolean): boolean {
  const n = value.length;
  let i = !nonNegative && value.charCodeAt(0) === MINUS ? 1 : 0;
  const start = i;
  while (i < n && isDigit(value.charCodeAt(i))) i++;
  if (i === start) return false;
  if (i === n) return true;
  if (value.charCodeAt(i) !== 46) return false;
  const decimals = n - i - 1;
  if (decimals < 1 || decimals > 2) return false;
  for (i++; i < n; i++) if (!isDigit(value.charCodeAt(i))) return false;
  return true;
}

/** Length in Unicode code points (what HUD's S<n> limits count), not UTF-16 units. */
export function codePointLength(value: string): number {
  let count = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    // A high surrogate followed by a low one is one code point.
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

const MAX_SHOWN = 100;

/**
 * A value as it may appear in a message or report: at most 100 characters (code points), control
 * characters replaced by U+FFFD so that a hostile value cannot forge report lines.
 */
export function excerpt(value: string): string {
  let shown = value;
  if (shown.length > MAX_SHOWN) {
    const points = Array.from(shown.slice(0, 2 * MAX_SHOWN));
    if (points.length > MAX_SHOWN || shown.length > 2 * MAX_SHOWN) {
      shown = `${points.slice(0, MAX_SHOWN - 1).join('')}…`;
    }
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing control characters is the point
  return shown.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '\ufffd');
}
