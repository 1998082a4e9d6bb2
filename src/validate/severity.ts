/**
 * Which violations stop a record and which only flag it.
 *
 * Errors: the value cannot be stored faithfully or the record cannot stand (wrong type, too long,
 * a missing required value, a duplicate key, a link to nothing). Data-quality findings: the value
 * is well-formed but breaks an FY2026 code list or cross-field rule. Bulk imports keep such rows
 * and report them, because real exports (HUD's own sample among them, with retired destination
 * codes) carry legacy values, and dropping an Exit for its code would show a person as still
 * enrolled. Strict mode — single-record API writes, or `import --strict` — treats both as errors.
 */
const DATA_QUALITY_RULES: ReadonlySet<string> = new Set([
  'codeList',
  'notInList',
  'listWhen',
  'nullUnless',
  'requiredWhen',
  'pattern',
  'range',
]);

export type Severity = 'error' | 'dataQuality';

export const severityOf = (rule: string, strict: boolean): Severity =>
  !strict && DATA_QUALITY_RULES.has(rule) ? 'dataQuality' : 'error';
