import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import {
  CROSS_RECORD_RULES_NOT_CHECKED,
  RULES,
  ruleCodeList,
  SAME_RECORD_RULES_NOT_CHECKED,
} from '../src/model/fy2026/rules.ts';
import { CODE_LISTS, type Condition, type Rule, TABLES, type TableSpec, table } from '../src/model/index.ts';
import { validateRow } from '../src/validate/row.ts';

const specDir = fileURLToPath(new URL('../../shared/reference/csv-spec/', import.meta.url));
const haveSpec = existsSync(`${specDir}fields.csv`);

const COC = '^[a-zA-Z]{2}-[0-9]{3}$';
/** Good and bad values per pattern; a new pattern in RULES must be added here. */
const PATTERN_EXAMPLES: Record<string, { good: string[]; bad: string[] }> = {
  [COC]: { good: ['XX-501', 'ca-600'], bad: ['XX501', 'X1-501', 'XX-50A', ' X-501', 'XX-50\n', '12-345'] },
  '^[0-9]{6}$': { good: ['069999', '123456'], bad: ['12345', '12345a', '-12345', '١٢٣٤٥٦'] },
  '^[a-zA-Z]{2}$': { good: ['NY', 'ca'], bad: ['N1', 'N', 'É.'] },
  '^[0-9]{5}$': { good: ['02134', '99999'], bad: ['1234', '1234x', '12 34'] },
  '^[0-9xX]{9}$': {
    good: ['123456789', 'xxxxx6789', 'XXXXXXXXX'],
    bad: ['12345678', '1234-5678', '12345678y'],
  },
  '^[2-9][0-9]{2}[2-9][0-9]{2}[0-9]{4}$': {
    good: ['2125551234', '9999999999'],
    bad: ['1125551234', '2121551234', '212555123', '212-555-12'],
  },
  '^[0-9]{1,5}$': { good: ['1', '12345'], bad: ['12a', '-1', '1 2'] },
};

const rulesOf = (name: string) => RULES.filter((r) => r.table === name);

/** The condition evaluated independently of the validator under test. */
function holds(spec: TableSpec, c: Condition, row: readonly string[]): boolean {
  if ('all' in c) return c.all.every((x) => holds(spec, x, row));
  if ('any' in c) return c.any.some((x) => holds(spec, x, row));
  const value = row[spec.fields.findIndex((f) => f.name === c.field)] ?? '';
  return 'notNull' in c ? value !== '' : c.in.includes(value);
}

function set(spec: TableSpec, row: string[], column: string, value: string): void {
  const index = spec.fields.findIndex((f) => f.name === column);
  if (index < 0) throw new Error(`${spec.name}.${column} unknown`);
  row[index] = value;
}

/** A value of the column that passes its type, list, pattern, range and notInList checks. */
function validValue(spec: TableSpec, column: string): string {
  const field = spec.fields.find((f) => f.name === column);
  if (!field) throw new Error(`${spec.name}.${column} unknown`);
  const rules = rulesOf(spec.name).filter((r) => r.field === column);
  const pattern = rules.find((r) => r.kind === 'pattern');
  if (pattern) return PATTERN_EXAMPLES[pattern.pattern]?.good[0] ?? 'no example';
  const range = rules.find((r) => r.kind === 'range');
  if (range) return String(range.min);
  const banned = new Set(rules.flatMap((r) => (r.kind === 'notInList' ? r.codes : [])));
  if (field.codeList) {
    const code = CODE_LISTS.get(field.codeList)?.codes.find((c) => !banned.has(c.code));
    if (code) return code.code;
  }
  switch (field.type.kind) {
    case 'integer':
      return '1';
    case 'date':
      return '2024-01-31';
    case 'datetime':
      return '2024-01-31 12:00:00';
    case 'money':
      return '10.50';
    case 'string':
      return 'x';
  }
}

/** Sets a value and satisfies the column's own nullUnless conditions (e.g. ViralLoad needs ViralLoadAvailable = 1). */
function enable(spec: TableSpec, row: string[], column: string, value: string, depth = 0): void {
  if (depth > 8) throw new Error(`rule dependencies of ${spec.name}.${column} loop`);
  set(spec, row, column, value);
  if (value === '') return;
  for (const rule of rulesOf(spec.name)) {
    if (rule.kind === 'nullUnless' && rule.field === column && !holds(spec, rule.when, row)) {
      satisfy(spec, rule.when, row, depth + 1);
    }
  }
}

/** Makes the row satisfy the condition (first branch of an `any`). */
function satisfy(spec: TableSpec, c: Condition, row: string[], depth = 0): void {
  if ('all' in c) for (const x of c.all) satisfy(spec, x, row, depth);
  else if ('any' in c) satisfy(spec, c.any[0] as Condition, row, depth);
  else if (!holds(spec, c, row)) {
    enable(spec, row, c.field, 'notNull' in c ? validValue(spec, c.field) : (c.in[0] as string), depth);
  }
}

/** Makes the condition false with valid values (null where the column allows it). */
function falsify(spec: TableSpec, c: Condition, row: string[]): void {
  if ('all' in c) {
    falsify(spec, c.all[0] as Condition, row);
    return;
  }
  if ('any' in c) {
    for (const x of c.any) falsify(spec, x, row);
    return;
  }
  const field = spec.fields.find((f) => f.name === c.field);
  if (!field) throw new Error(`${spec.name}.${c.field} unknown`);
  if (field.nullable || 'notNull' in c) {
    set(spec, row, c.field, '');
    return;
  }
  const range = rulesOf(spec.name).find((r) => r.field === c.field && r.kind === 'range');
  const min = range?.kind === 'range' ? range.min : Number.NEGATIVE_INFINITY;
  const candidates = field.codeList
    ? (CODE_LISTS.get(field.codeList)?.codes.map((x) => x.code) ?? [])
    : ['0', '1', '2', '3', '4', '5'].filter((x) => Number(x) >= min);
  const other = candidates.find((x) => !c.in.includes(x));
  if (other === undefined) throw new Error(`cannot falsify ${JSON.stringify(c)}`);
  set(spec, row, c.field, other);
}

/** Fills conditional lists and conditionally required columns whose conditions hold (except `keep`). */
function repair(spec: TableSpec, row: string[], keep?: string): void {
  for (let round = 0; round < 3; round++) {
    for (const rule of rulesOf(spec.name)) {
      if (rule.field === keep) continue;
      const index = spec.fields.findIndex((f) => f.name === rule.field);
      if (rule.kind === 'listWhen' && holds(spec, rule.when, row)) {
        const codes = ruleCodeList(rule.list).codes.map((c) => c.code);
        if (!codes.includes(row[index] ?? '')) row[index] = codes[0] as string;
      }
      if (rule.kind === 'requiredWhen' && holds(spec, rule.when, row) && row[index] === '') {
        row[index] = validValue(spec, rule.field);
      }
    }
  }
}

/** A minimal valid row: required columns filled, nullable ones null. */
function baseRow(spec: TableSpec): string[] {
  const row = spec.fields.map((f) =>
    f.nullable || f.codeListMode === 'conditional' ? '' : validValue(spec, f.name),
  );
  repair(spec, row);
  return row;
}

const only = (column: string, rule: string) => [expect.objectContaining({ column, rule })];

function describeRule(rule: Rule): string {
  const detail =
    rule.kind === 'notInList'
      ? rule.codes.join(',')
      : rule.kind === 'listWhen'
        ? `${rule.list} when ${JSON.stringify(rule.when)}`
        : rule.kind === 'pattern'
          ? rule.pattern
          : rule.kind === 'range'
            ? `${rule.min}..${rule.max}`
            : JSON.stringify(rule.when);
  return `${rule.kind} ${rule.table}.${rule.field} ${detail}`;
}

describe('RULES as data', () => {
  it('names existing tables, columns, lists and codes', () => {
    const checkCondition = (spec: TableSpec, c: Condition): void => {
      if ('all' in c || 'any' in c) {
        for (const x of 'all' in c ? c.all : c.any) checkCondition(spec, x);
        return;
      }
      const field = spec.fields.find((f) => f.name === c.field);
      expect(field, `${spec.name}.${c.field}`).toBeDefined();
      if ('in' in c && field?.codeList) {
        const codes = CODE_LISTS.get(field.codeList)?.codes.map((x) => x.code) ?? [];
        // RaceNone's "= 0 or 99" quotes HUD's text; 99 is not in 1.10.
        for (const code of c.in.filter((x) => x !== '99' || field.codeList !== '1.10'))
          expect(codes).toContain(code);
      }
    };
    for (const rule of RULES) {
      const spec = table(rule.table);
      const field = spec.fields.find((f) => f.name === rule.field);
      expect(field, `${rule.table}.${rule.field}`).toBeDefined();
      if (rule.kind === 'notInList') {
        const codes = CODE_LISTS.get(field?.codeList ?? '')?.codes.map((c) => c.code);
        for (const code of rule.codes) expect(codes, describeRule(rule)).toContain(code);
      }
      if (rule.kind === 'listWhen') {
        expect(
          field?.codeListMode === 'conditional' || field?.codeList === 'W5.A-B',
          describeRule(rule),
        ).toBe(true);
        expect(ruleCodeList(rule.list).codes.length).toBeGreaterThan(0);
      }
      if (rule.kind === 'pattern') expect(PATTERN_EXAMPLES[rule.pattern], rule.pattern).toBeDefined();
      if ('when' in rule) checkCondition(spec, rule.when);
    }
  });

  it('has no duplicate rule', () => {
    const seen = RULES.map((r) => JSON.stringify(r));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('states the resolutions of HUD data element numbers and compound notes', () => {
    const find = (t: string, field: string, kind: Rule['kind']) =>
      RULES.filter((r) => r.table === t && r.field === field && r.kind === kind);
    expect(find('Enrollment', 'RentalSubsidyType', 'nullUnless')).toEqual([
      expect.objectContaining({ when: { field: 'LivingSituation', in: ['435'] } }),
    ]);
    expect(find('Exit', 'SubsidyInformation', 'listWhen')).toEqual([
      expect.objectContaining({ list: 'W5.A', when: { field: 'HousingAssessment', in: ['1'] } }),
      expect.objectContaining({ list: 'W5.B', when: { field: 'HousingAssessment', in: ['2'] } }),
    ]);
    expect(ruleCodeList('W5.A').codes.map((c) => c.code)).toEqual(['1', '2', '3', '4']);
    expect(ruleCodeList('W5.B').codes.map((c) => c.code)).toEqual(['11', '12']);
    expect(find('Services', 'OtherTypeProvided', 'nullUnless')[0]).toMatchObject({
      when: {
        any: [
          {
            all: [
              { field: 'RecordType', in: ['144'] },
              { field: 'TypeProvided', in: ['6'] },
            ],
          },
          {
            all: [
              { field: 'RecordType', in: ['210'] },
              { field: 'TypeProvided', in: ['12'] },
            ],
          },
        ],
      },
    });
    expect(find('Exit', 'CoercedToContinueWork', 'nullUnless')[0]).toMatchObject({
      when: {
        any: [
          { field: 'WorkplaceViolenceThreats', in: ['1'] },
          { field: 'WorkplacePromiseDifference', in: ['1'] },
        ],
      },
    });
    expect(find('Project', 'ResidentialAffiliation', 'requiredWhen')[0]).toMatchObject({
      when: {
        any: [
          { field: 'ProjectType', in: ['6'] },
          { all: [{ in: ['13'] }, { field: 'RRHSubType', in: ['1'] }] },
        ],
      },
    });
    expect(find('Services', 'TypeProvided', 'listWhen')).toContainEqual(
      expect.objectContaining({ list: 'V3.4', when: { field: 'RecordType', in: ['152'] } }),
    );
    expect(find('Enrollment', 'EnrollmentCoC', 'pattern')).toEqual([
      expect.objectContaining({ pattern: COC }),
    ]);
    expect(find('Client', 'YearSeparated', 'range')).toEqual([
      expect.objectContaining({ min: 1920, max: 'currentYear' }),
    ]);
    // Same-record only: a rule on a Project column never reaches Inventory or CurrentLivingSituation.
    expect(RULES.filter((r) => r.table === 'Inventory' || r.field === 'VerifiedBy')).toEqual([]);
  });

  it('lists the rules it does not check, naming Table.Column', () => {
    for (const d of [...CROSS_RECORD_RULES_NOT_CHECKED, ...SAME_RECORD_RULES_NOT_CHECKED]) {
      expect(d).toMatch(/^(Every |[A-Za-z]+\.[A-Za-z]+)/);
    }
    expect(CROSS_RECORD_RULES_NOT_CHECKED.join('\n')).toContain('Inventory.Availability');
    expect(CROSS_RECORD_RULES_NOT_CHECKED.join('\n')).toContain('CurrentLivingSituation.VerifiedBy');
    expect(SAME_RECORD_RULES_NOT_CHECKED.join('\n')).toContain('Exit.AftercareDate');
  });
});

describe('every rule fails and passes', () => {
  for (const spec of TABLES) {
    it(`a minimal ${spec.name} row is valid`, () => {
      expect(validateRow(spec, baseRow(spec))).toEqual([]);
    });
  }

  for (const rule of RULES) {
    const spec = table(rule.table);
    it(describeRule(rule), () => {
      const base = baseRow(spec);
      /** A copy of the base row, prepared, then `field` set to `value` (with its dependencies). */
      const rowWith = (value: string, prepare?: (row: string[]) => void, plain = false): string[] => {
        const row = [...base];
        prepare?.(row);
        repair(spec, row, rule.field);
        if (plain) set(spec, row, rule.field, value);
        else enable(spec, row, rule.field, value);
        repair(spec, row, rule.field);
        return row;
      };
      const when = (row: string[]) => 'when' in rule && satisfy(spec, rule.when, row);
      const unless = (row: string[]) => 'when' in rule && falsify(spec, rule.when, row);
      switch (rule.kind) {
        case 'notInList': {
          expect(validateRow(spec, rowWith(validValue(spec, rule.field)))).toEqual([]);
          for (const code of rule.codes) {
            expect(validateRow(spec, rowWith(code)), code).toEqual(only(rule.field, 'notInList'));
          }
          break;
        }
        case 'listWhen': {
          const codes = ruleCodeList(rule.list).codes.map((c) => c.code);
          for (const code of codes) expect(validateRow(spec, rowWith(code, when)), code).toEqual([]);
          // Codes of the field's other lists fail; so does a number in no list (maybe also 'codeList').
          const others = RULES.flatMap((r) =>
            r.kind === 'listWhen' && r.table === rule.table && r.field === rule.field && r.list !== rule.list
              ? ruleCodeList(r.list).codes.map((c) => c.code)
              : [],
          ).filter((c) => !codes.includes(c));
          for (const code of new Set(others)) {
            expect(validateRow(spec, rowWith(code, when)), code).toEqual(only(rule.field, 'listWhen'));
          }
          const unknown = validateRow(spec, rowWith('987654', when));
          expect(unknown).toContainEqual(expect.objectContaining({ column: rule.field, rule: 'listWhen' }));
          expect(unknown.every((v) => v.column === rule.field)).toBe(true);
          break;
        }
        case 'nullUnless': {
          const value = validValue(spec, rule.field);
          const off = rowWith('', unless);
          expect(holds(spec, rule.when, off)).toBe(false);
          expect(validateRow(spec, off)).toEqual([]);
          expect(validateRow(spec, rowWith(value, unless, true))).toEqual(only(rule.field, 'nullUnless'));
          const on = rowWith(value, when);
          repair(spec, on); // a conditional list for the field itself, e.g. SubTypeProvided
          expect(validateRow(spec, on)).toEqual([]);
          // A near miss: another code of the condition field's list.
          if ('in' in rule.when) {
            const c = rule.when;
            const list = spec.fields.find((f) => f.name === c.field)?.codeList;
            const miss = CODE_LISTS.get(list ?? '')?.codes.find((x) => !c.in.includes(x.code));
            if (miss) {
              set(spec, on, c.field, miss.code);
              expect(validateRow(spec, on)).toContainEqual(
                expect.objectContaining({ column: rule.field, rule: 'nullUnless' }),
              );
            }
          }
          break;
        }
        case 'requiredWhen': {
          const off = rowWith('', unless);
          expect(holds(spec, rule.when, off)).toBe(false);
          expect(validateRow(spec, off)).toEqual([]);
          const missing = rowWith('', when);
          expect(holds(spec, rule.when, missing)).toBe(true);
          expect(validateRow(spec, missing)).toEqual(only(rule.field, 'requiredWhen'));
          const present = rowWith(validValue(spec, rule.field), when);
          repair(spec, present);
          expect(validateRow(spec, present)).toEqual([]);
          break;
        }
        case 'pattern': {
          const examples = PATTERN_EXAMPLES[rule.pattern];
          expect(examples).toBeDefined();
          for (const good of examples?.good ?? []) expect(validateRow(spec, rowWith(good)), good).toEqual([]);
          for (const bad of examples?.bad ?? []) {
            expect(validateRow(spec, rowWith(bad)), bad).toContainEqual(
              expect.objectContaining({ column: rule.field, rule: 'pattern' }),
            );
          }
          break;
        }
        case 'range': {
          const max = rule.max === 'currentYear' ? new Date().getFullYear() : rule.max;
          for (const ok of [rule.min, max])
            expect(validateRow(spec, rowWith(String(ok))), String(ok)).toEqual([]);
          for (const bad of [rule.min - 1, max + 1]) {
            // max + 1 may leave the 32-bit range: then it is a type error instead.
            const expected = only(rule.field, bad > 2147483647 ? 'type' : 'range');
            expect(validateRow(spec, rowWith(String(bad))), String(bad)).toEqual(expected);
          }
          break;
        }
      }
    });
  }
});

function readSpecCsv(file: string): Record<string, string>[] {
  return parse(readFileSync(`${specDir}${file}`), { bom: true, columns: true, relax_quotes: true });
}

describe.skipIf(!haveSpec)("RULES against HUD's CSV specification", () => {
  const fields = haveSpec ? readSpecCsv('fields.csv') : [];
  const column = (name: string) => name.replace(/\[\d+\]/g, '').trim();
  /** The column of a data element number (or a column name) in one table. */
  const resolve = (csv: string, ref: string): string | undefined => {
    const byElement = fields.find((f) => f.CSV === csv && f['DE#']?.trim() === ref);
    if (byElement) return column(byElement.Name ?? '');
    const byName = fields.find(
      (f) => f.CSV === csv && column(f.Name ?? '').toLowerCase() === ref.toLowerCase(),
    );
    return byName ? column(byName.Name ?? '') : undefined;
  };

  it('encodes every NotInList and CheckOtherElement rule of list-validation.csv, and no other', () => {
    const rows = readSpecCsv('list-validation.csv');
    const matched = new Set<Rule>();
    for (const row of rows) {
      const [csv, name, list, type, text] = [
        row.CSV,
        row.Name,
        row.List,
        row.ValidationType,
        row.Validation,
      ].map((x) => (x ?? '').trim());
      const candidates = RULES.filter((r) => r.table === csv && r.field === name);
      if (type.toLowerCase() === 'notinlist') {
        const rule = candidates.find((r) => r.kind === 'notInList');
        expect(rule && rule.kind === 'notInList' && [...rule.codes].sort(), `${csv}.${name}`).toEqual(
          text.split(',').sort(),
        );
        if (rule) matched.add(rule);
        continue;
      }
      expect(type).toBe('CheckOtherElement');
      const pairs = [...text.matchAll(/([A-Za-z][\w.]*)\s*=\s*(\d+)/g)].map((m) => ({
        field: resolve(csv, m[1] as string) ?? `unresolved ${m[1]}`,
        in: [m[2] as string],
      }));
      let expected: Condition;
      if (/is NOT 10/.test(text)) {
        const others =
          CODE_LISTS.get('1.3')
            ?.codes.map((c) => c.code)
            .filter((c) => c !== '10') ?? [];
        expected = { field: 'DisabilityType', in: others };
      } else if (pairs.length === 1) expected = pairs[0] as Condition;
      else expected = { all: pairs };
      const inList = /INLIST \(([\d,\s]+)\)/.exec(text);
      const listRules = candidates.filter((r) => r.kind === 'listWhen');
      const rule = listRules.find((r) => JSON.stringify(r.when) === JSON.stringify(expected));
      expect(rule, `${csv}.${name}: ${text}`).toBeDefined();
      if (rule?.kind !== 'listWhen') continue;
      matched.add(rule);
      const codes = ruleCodeList(rule.list).codes.map((c) => c.code);
      if (inList) expect(codes).toEqual((inList[1] as string).split(',').map((c) => c.trim()));
      else expect(rule.list).toBe(/use list (\S+)/.exec(text)?.[1] ?? list);
    }
    expect(RULES.filter((r) => (r.kind === 'notInList' || r.kind === 'listWhen') && !matched.has(r))).toEqual(
      [],
    );
  });

  /** Parses the condition of a note like "RecordType = 144 and TypeProvided = 3, 4, or 5"; undefined if unsure. */
  const parseNote = (csv: string, text: string): Condition | null | undefined => {
    const disjuncts = text.split(/ or (?=[A-Za-z(])/i).map((part) => part.replace(/^\((.*)\)$/, '$1'));
    const parsed: Condition[][] = [];
    for (const disjunct of disjuncts) {
      const atoms: Condition[] = [];
      for (const atom of disjunct.split(/ and /i)) {
        const notNull = /^(\S+) (?:is )?not null$/.exec(atom);
        const codes = /^(\S+?) ?(?:=|in) ?(\d+(?:,? (?:or )?\d+|,\d+)*)$/.exec(atom);
        const ref = notNull?.[1] ?? codes?.[1] ?? (/^\S+$/.test(atom) ? atom : undefined);
        if (ref === undefined) return undefined;
        const field = resolve(csv, ref);
        if (field === undefined) return null; // a column of another table
        if (notNull) atoms.push({ field, notNull: true });
        else atoms.push({ field, in: codes ? (codes[2] as string).split(/,? (?:or )?|,/) : [] });
      }
      parsed.push(atoms);
    }
    // "R16.1 or R16.2 = 1": a bare reference takes the codes of the next one.
    const flat = parsed.flat();
    flat.forEach((c, i) => {
      const next = flat[i + 1];
      if ('in' in c && c.in.length === 0 && next && 'in' in next) Object.assign(c, { in: next.in });
    });
    const conjunctions = parsed.map((atoms) =>
      atoms.length === 1 ? (atoms[0] as Condition) : { all: atoms },
    );
    return conjunctions.length === 1 ? conjunctions[0] : { any: conjunctions };
  };

  /** Same-field alternatives merged ("C3.2 = 1 or C3.2 = 2"), codes sorted. */
  const normal = (c: Condition): Condition => {
    if ('all' in c) return c.all.length === 1 ? normal(c.all[0] as Condition) : { all: c.all.map(normal) };
    if ('notNull' in c) return c;
    if ('in' in c) return { field: c.field, in: [...c.in].sort() };
    const parts = c.any.map(normal);
    const fields = new Set(parts.map((p) => ('field' in p ? p.field : '')));
    if (fields.size === 1 && parts.every((p) => 'in' in p)) {
      return normal({ field: [...fields][0] as string, in: parts.flatMap((p) => ('in' in p ? p.in : [])) });
    }
    return { any: parts };
  };

  it('states every parseable "Null unless" / "Non-null if" note with the columns its numbers name', () => {
    let checked = 0;
    for (const f of fields) {
      const notes = (f.Notes ?? '').replace(/\s+/g, ' ').trim();
      const csv = f.CSV ?? '';
      const name = column(f.Name ?? '');
      const note = /^(Null unless|Non-null if|Required if) (.+?)(?:\.(?: .*)?| Integer >0)?$/.exec(notes);
      if (!note) continue;
      const kind = note[1] === 'Null unless' ? 'nullUnless' : 'requiredWhen';
      const when = parseNote(csv, note[2] as string);
      const where = `${csv}.${name}: ${notes}`;
      if (when === undefined) continue; // free text: see the coverage test and the hand-written checks
      if (when === null) {
        expect(CROSS_RECORD_RULES_NOT_CHECKED.join('\n'), where).toContain(`${csv}.${name}`);
        continue;
      }
      const rule = RULES.find((r) => r.table === csv && r.field === name && r.kind === kind);
      expect(rule && 'when' in rule ? normal(rule.when) : undefined, where).toEqual(normal(when));
      checked++;
    }
    expect(checked).toBeGreaterThan(60);
  });

  it('covers every conditional-null, pattern and cross-record note by a rule or a not-checked entry', () => {
    const notChecked = [...CROSS_RECORD_RULES_NOT_CHECKED, ...SAME_RECORD_RULES_NOT_CHECKED].join('\n');
    for (const f of fields) {
      const notes = (f.Notes ?? '').trim();
      const csv = f.CSV ?? '';
      const name = column(f.Name ?? '');
      const rules = RULES.filter((r) => r.table === csv && r.field === name);
      const listed = notChecked.includes(`${csv}.${name}`);
      const where = `${csv}.${name}: ${notes}`;
      if (/null unless|non-null only if/i.test(notes)) {
        expect(rules.some((r) => r.kind === 'nullUnless') || listed, where).toBe(true);
      }
      if (/non-null if|required if|may not be null|may be null if/i.test(notes)) {
        expect(rules.some((r) => r.kind === 'requiredWhen') || listed, where).toBe(true);
      }
      if (/\^.*\$|\[2-9\]|\[0-9\]\{1,5\}|Integer >0/.test(notes)) {
        expect(rules.some((r) => r.kind === 'pattern' || r.kind === 'range') || listed, where).toBe(true);
      }
      if (/must match/i.test(notes) && name !== 'ExportID' && !/ID$/.test(name)) {
        expect(listed, where).toBe(true);
      }
      if (f.List === '(see note)')
        expect(
          rules.some((r) => r.kind === 'listWhen'),
          where,
        ).toBe(true);
    }
  });

  it("uses HUD's lists: every list a rule names matches lists.csv", () => {
    const lists = readSpecCsv('lists.csv');
    for (const rule of RULES) {
      if (rule.kind !== 'listWhen') continue;
      const id = rule.list.startsWith('W5.') ? 'W5.A-B' : rule.list;
      const hud = new Set(lists.filter((l) => l.List === id).map((l) => l.Value));
      for (const code of ruleCodeList(rule.list).codes) expect(hud, describeRule(rule)).toContain(code.code);
    }
  });
});
