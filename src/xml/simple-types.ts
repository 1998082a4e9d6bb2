/**
 * Checks a text value against a compiled XSD simple type: the built-ins HUD's schemas use
 * (string, token, date, dateTime, gYear, decimal and the integer family, QName) and the facets.
 * Returns the broken rule and a message, or undefined when the value is valid.
 */
import type { SimpleType } from './schema/types.ts';

export interface ValueProblem {
  readonly rule: 'type' | 'enumeration' | 'pattern' | 'length' | 'range' | 'digits';
  readonly message: string;
}

const DATE = /^(-?\d{4,})-(\d{2})-(\d{2})(Z|[+-]\d{2}:\d{2})?$/;
const DATETIME = /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const INTEGER = /^[+-]?\d+$/;

function validDay(year: string, month: string, day: string): boolean {
  const m = Number(month);
  const d = Number(day);
  if (m < 1 || m > 12 || d < 1) return false;
  const y = Number(year);
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] ?? 0;
  return d <= days;
}

function builtinProblem(builtin: string, value: string): string | undefined {
  switch (builtin) {
    case 'string':
    case 'normalizedString':
    case 'token':
    case 'anyType':
      return undefined;
    case 'date': {
      const m = DATE.exec(value);
      return m && validDay(m[1] ?? '', m[2] ?? '', m[3] ?? '') ? undefined : 'is not a date (YYYY-MM-DD)';
    }
    case 'dateTime': {
      const m = DATETIME.exec(value);
      const timeOk = m && Number(m[4]) <= 24 && Number(m[5]) < 60 && Number(m[6]) < 60;
      return m && timeOk && validDay(m[1] ?? '', m[2] ?? '', m[3] ?? '')
        ? undefined
        : 'is not a date and time (YYYY-MM-DDThh:mm:ss)';
    }
    case 'gYear':
      return /^-?\d{4,}(Z|[+-]\d{2}:\d{2})?$/.test(value) ? undefined : 'is not a year';
    case 'decimal':
      return DECIMAL.test(value) ? undefined : 'is not a decimal number';
    case 'integer':
    case 'int':
    case 'long':
      return INTEGER.test(value) ? undefined : 'is not an integer';
    case 'unsignedInt':
    case 'nonNegativeInteger':
      return /^\+?\d+$/.test(value) && (builtin !== 'unsignedInt' || Number(value) <= 4294967295)
        ? undefined
        : 'is not a non-negative integer';
    case 'positiveInteger':
      return /^\+?\d+$/.test(value) && Number(value) > 0 ? undefined : 'is not a positive integer';
    case 'boolean':
      return /^(true|false|1|0)$/.test(value) ? undefined : 'is not a boolean';
    case 'QName':
      return /^([A-Za-z_][\w.-]*:)?[A-Za-z_][\w.-]*$/.test(value) ? undefined : 'is not a QName';
    default:
      throw new Error(`no check for the XSD built-in ${builtin}`);
  }
}

const patterns = new Map<string, RegExp>();
function pattern(source: string): RegExp {
  let regex = patterns.get(source);
  if (!regex) {
    // XSD patterns are anchored and have no ^/$; \i and \c are not used by HUD's schemas.
    regex = new RegExp(`^(?:${source})$`);
    patterns.set(source, regex);
  }
  return regex;
}

const isStringLike = (builtin: string) => builtin === 'string' || builtin === 'normalizedString';

export function checkSimpleValue(type: SimpleType, raw: string): ValueProblem | undefined {
  // Every built-in but string collapses whitespace before checking (XSD whiteSpace facet).
  const value = isStringLike(type.builtin) ? raw : raw.replace(/\s+/g, ' ').trim();
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  const builtin = builtinProblem(type.builtin, value);
  if (builtin) return { rule: 'type', message: `"${shown}" ${builtin}` };
  if (type.enumeration && !type.enumeration.includes(value)) {
    const allowed =
      type.enumeration.length > 12
        ? `${type.enumeration.slice(0, 12).join(', ')}, …`
        : type.enumeration.join(', ');
    return { rule: 'enumeration', message: `"${shown}" is not one of the allowed codes (${allowed})` };
  }
  for (const p of type.patterns ?? []) {
    if (!pattern(p).test(value))
      return { rule: 'pattern', message: `"${shown}" does not match the pattern ${p}` };
  }
  const length = [...value].length;
  if (type.length !== undefined && length !== type.length)
    return { rule: 'length', message: `is ${length} characters long; it must be exactly ${type.length}` };
  if (type.maxLength !== undefined && length > type.maxLength)
    return { rule: 'length', message: `is ${length} characters long; at most ${type.maxLength} are allowed` };
  if (type.minLength !== undefined && length < type.minLength)
    return { rule: 'length', message: `is ${length} characters long; at least ${type.minLength} are needed` };
  if (type.minInclusive !== undefined && Number(value) < Number(type.minInclusive))
    return { rule: 'range', message: `${shown} is below the minimum ${type.minInclusive}` };
  if (type.maxInclusive !== undefined && Number(value) > Number(type.maxInclusive))
    return { rule: 'range', message: `${shown} is above the maximum ${type.maxInclusive}` };
  const [whole = '', fraction = ''] = value.replace(/^[+-]/, '').split('.');
  const digits = whole.replace(/^0+(?=\d)/, '').length + fraction.replace(/0+$/, '').length;
  if (type.totalDigits !== undefined && digits > type.totalDigits)
    return { rule: 'digits', message: `${shown} has more than ${type.totalDigits} digits` };
  if (type.fractionDigits !== undefined && fraction.replace(/0+$/, '').length > type.fractionDigits)
    return { rule: 'digits', message: `${shown} has more than ${type.fractionDigits} decimal places` };
  return undefined;
}
