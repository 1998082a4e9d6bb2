/**
 * Validates one stored record (a CSV row in the table's field order, '' = null) against the FY2026
 * model: column types, string lengths, required columns, fixed code lists, and every same-record rule
 * of RULES for the table. Validators are compiled once per table; a row costs a few closure calls.
 */
import { RULES, ruleCodeList } from '../model/fy2026/rules.ts';
import {
  CODE_LISTS,
  type FieldSpec,
  fieldIndex,
  PII_COLUMNS,
  type Rule,
  type TableSpec,
} from '../model/index.ts';
import { compileCondition, describeCondition } from './conditions.ts';
import { codePointLength, excerpt, isDate, isDateTime, isInteger, isMoney } from './values.ts';

export interface Violation {
  readonly column: string;
  /** The offending value, cut to at most 100 characters (see `excerpt`); '' for a missing value. */
  readonly value: string;
  /** 'type', 'maxLength', 'required', 'codeList', or a Rule kind. */
  readonly rule: string;
  readonly message: string;
}

export type RowValidator = (row: readonly string[]) => Violation[];

/** A check of one non-null, well-typed value; returns the violation or undefined. */
type ValueCheck = (value: string) => Violation | undefined;
/** A check of a rule over the whole row; `bad` lists the columns whose values failed their type. */
type RowCheck = (row: readonly string[], bad: readonly number[] | undefined) => Violation | undefined;

interface ColumnValidator {
  readonly name: string;
  readonly nullable: boolean;
  readonly isValid: (value: string) => boolean;
  readonly typeMessage: string;
  readonly checks: readonly ValueCheck[];
}

function violation(field: FieldSpec | string, value: string, rule: string, message: string): Violation {
  return { column: typeof field === 'string' ? field : field.name, value: excerpt(value), rule, message };
}

/** `; got VALUE`, or nothing for columns that identify a person (messages end up in logs). */
function got(column: string, value: string): string {
  return PII_COLUMNS.has(column) ? '' : `; got ${excerpt(value)}`;
}

function typeCheck(field: FieldSpec): { isValid: (value: string) => boolean; message: string } {
  const type = field.type;
  switch (type.kind) {
    case 'integer':
      return { isValid: isInteger, message: 'an integer (32-bit)' };
    case 'date':
      return { isValid: isDate, message: 'a date YYYY-MM-DD' };
    case 'datetime':
      return { isValid: isDateTime, message: 'a date and time YYYY-MM-DD hh:mm:ss' };
    case 'money': {
      const nonNegative = type.nonNegative;
      return {
        isValid: (value) => isMoney(value, nonNegative),
        message: `${nonNegative ? 'a non-negative' : 'an'} amount with at most 2 decimals, e.g. 1234.50`,
      };
    }
    case 'string':
      return { isValid: () => true, message: 'a string' };
  }
}

function maxLengthCheck(field: FieldSpec): ValueCheck | undefined {
  if (field.type.kind !== 'string' || field.type.maxLength === null) return undefined;
  const max = field.type.maxLength;
  return (value) => {
    if (value.length <= max) return undefined; // code points never outnumber UTF-16 units
    const length = codePointLength(value);
    if (length <= max) return undefined;
    return violation(
      field,
      value,
      'maxLength',
      `${field.name} must be at most ${max} characters; got ${length}`,
    );
  };
}

function codeListCheck(field: FieldSpec): ValueCheck | undefined {
  if (field.codeListMode !== 'fixed' || field.codeList === null) return undefined;
  const list = field.codeList;
  const known = CODE_LISTS.get(list);
  if (!known) throw new Error(`${field.name} names unknown code list ${list}`);
  const codes = new Set(known.codes.map((c) => c.code));
  return (value) =>
    codes.has(value)
      ? undefined
      : violation(
          field,
          value,
          'codeList',
          `${field.name} must be a code of list ${list}${got(field.name, value)}`,
        );
}

function valueRuleCheck(field: FieldSpec, rule: Rule): ValueCheck | undefined {
  const name = field.name;
  switch (rule.kind) {
    case 'notInList': {
      const list = field.codeList ?? '';
      const labels = new Map((CODE_LISTS.get(list)?.codes ?? []).map((c) => [c.code, c.label]));
      const banned = new Set(rule.codes);
      return (value) => {
        if (!banned.has(value)) return undefined;
        const label = labels.get(value);
        const what = label ? `${value} (${label})` : value;
        return violation(
          field,
          value,
          'notInList',
          `${name} must not be ${what}: not allowed in this column`,
        );
      };
    }
    case 'pattern': {
      const regex = new RegExp(rule.pattern);
      return (value) =>
        regex.test(value)
          ? undefined
          : violation(field, value, 'pattern', `${name} must match ${rule.pattern}${got(name, value)}`);
    }
    case 'range': {
      const { min, max } = rule;
      return (value) => {
        const number = Number(value);
        const top = max === 'currentYear' ? new Date().getFullYear() : max;
        if (number >= min && number <= top) return undefined;
        return violation(
          field,
          value,
          'range',
          `${name} must be between ${min} and ${top}${got(name, value)}`,
        );
      };
    }
    default:
      return undefined;
  }
}

function rowRuleCheck(spec: TableSpec, field: FieldSpec, rule: Rule): RowCheck | undefined {
  const index = fieldIndex(spec, field.name);
  const name = field.name;
  switch (rule.kind) {
    case 'listWhen': {
      const when = compileCondition(spec, rule.when);
      const codes = new Set(ruleCodeList(rule.list).codes.map((c) => c.code));
      const context = `must be a code of list ${rule.list} when ${describeCondition(rule.when)}`;
      return (row, bad) => {
        const value = row[index] ?? '';
        if (value === '' || codes.has(value) || bad?.includes(index) || !when(row)) return undefined;
        return violation(field, value, 'listWhen', `${name} ${context}${got(name, value)}`);
      };
    }
    case 'nullUnless': {
      const when = compileCondition(spec, rule.when);
      const context = `must be null unless ${describeCondition(rule.when)}`;
      return (row) => {
        const value = row[index] ?? '';
        if (value === '' || when(row)) return undefined;
        return violation(field, value, 'nullUnless', `${name} ${context}${got(name, value)}`);
      };
    }
    case 'requiredWhen': {
      // A non-nullable column is reported as 'required' already.
      if (!field.nullable) return undefined;
      const when = compileCondition(spec, rule.when);
      const message = `${name} is required when ${describeCondition(rule.when)}`;
      return (row) =>
        (row[index] ?? '') === '' && when(row) ? violation(field, '', 'requiredWhen', message) : undefined;
    }
    default:
      return undefined;
  }
}

/** Compiles the validator of one table: per column type/length/list checks, then the table's rules. */
export function compileTableValidator(spec: TableSpec, rules: readonly Rule[] = RULES): RowValidator {
  const tableRules = rules.filter((r) => r.table === spec.name);
  const rowChecks: RowCheck[] = [];
  const columns: ColumnValidator[] = spec.fields.map((field) => {
    const { isValid, message } = typeCheck(field);
    const checks: ValueCheck[] = [];
    const length = maxLengthCheck(field);
    if (length) checks.push(length);
    const list = codeListCheck(field);
    if (list) checks.push(list);
    for (const rule of tableRules) {
      if (rule.field !== field.name) continue;
      if (rule.kind === 'range' && field.type.kind !== 'integer') {
        throw new Error(`${rule.kind} rule on ${spec.name}.${field.name}, which is not an integer column`);
      }
      const check = valueRuleCheck(field, rule);
      if (check) checks.push(check);
      const rowCheck = rowRuleCheck(spec, field, rule);
      if (rowCheck) rowChecks.push(rowCheck);
    }
    return { name: field.name, nullable: field.nullable, isValid, typeMessage: message, checks };
  });
  for (const rule of tableRules) fieldIndex(spec, rule.field); // a rule on an unknown column throws
  const count = columns.length;

  return (row) => {
    const out: Violation[] = [];
    let bad: number[] | undefined;
    for (let i = 0; i < count; i++) {
      const column = columns[i] as ColumnValidator;
      const value = row[i] ?? '';
      if (value === '') {
        if (!column.nullable) {
          out.push(violation(column.name, '', 'required', `${column.name} is required`));
        }
        continue;
      }
      if (!column.isValid(value)) {
        out.push(
          violation(
            column.name,
            value,
            'type',
            `${column.name} must be ${column.typeMessage}${got(column.name, value)}`,
          ),
        );
        if (bad === undefined) bad = [i];
        else bad.push(i);
        continue;
      }
      const checks = column.checks;
      for (let c = 0; c < checks.length; c++) {
        const found = (checks[c] as ValueCheck)(value);
        if (found) out.push(found);
      }
    }
    for (let r = 0; r < rowChecks.length; r++) {
      const found = (rowChecks[r] as RowCheck)(row, bad);
      if (found) out.push(found);
    }
    return out;
  };
}

const validators = new Map<string, { readonly spec: TableSpec; readonly validate: RowValidator }>();

/** Validates one record of `spec`'s table; [] when it is valid. Compiles the table's validator once. */
export function validateRow(spec: TableSpec, row: readonly string[]): Violation[] {
  let cached = validators.get(spec.name);
  if (cached === undefined || cached.spec !== spec) {
    cached = { spec, validate: compileTableValidator(spec) };
    validators.set(spec.name, cached);
  }
  return cached.validate(row);
}
