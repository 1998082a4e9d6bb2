/**
 * Value-level steps of reading HMIS XML into FY2026 rows: an XML value as the model writes it,
 * defaults for FY2026 columns a version lacks, and the Export's hash mark.
 */
import { IMPORT_DEFAULTS } from '../../mappings/xml/records.ts';
import { fieldIndex, type TableSpec, table } from '../model/index.ts';
import { codeToModel, type XmlVersion } from './mapping.ts';

/** Model datetimes are `YYYY-MM-DD HH:MM:SS`; XML's `xs:dateTime` may add a T, fractions and a zone. */
export function toModelValue(version: XmlVersion, spec: TableSpec, field: string, text: string): string {
  const kind = spec.fields[fieldIndex(spec, field)]?.type.kind;
  const value = codeToModel(version, field, text);
  if (kind === 'datetime' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.test(value))
    return `${value.slice(0, 10)} ${value.slice(11, 19)}`;
  // The model has no time zones: a date's zone (2016-06-11Z) is dropped.
  if (kind === 'date' && /^\d{4}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2}|T[\d:.]+(Z|[+-]\d{2}:\d{2})?)$/.test(value))
    return value.slice(0, 10);
  return value;
}

/** IMPORT_DEFAULTS: values for required FY2026 columns the XML version has no element for. */
export function applyImportDefaults(tableName: string, rows: Iterable<{ values: string[] }>): void {
  const defaults = IMPORT_DEFAULTS[tableName];
  if (!defaults) return;
  const spec = table(tableName);
  for (const row of rows) {
    for (const [field, rule] of Object.entries(defaults)) {
      const index = fieldIndex(spec, field);
      if (row.values[index]) continue;
      row.values[index] =
        'value' in rule
          ? rule.value
          : (rule.from.map((f) => row.values[fieldIndex(spec, f)]).find(Boolean) ?? '');
    }
  }
}

/** Export.HashStatus, the model's own mark that the export's names and SSNs are hashed. */
export function markHashed(exports: Iterable<{ values: string[] }>, statuses: readonly string[]): void {
  const hashed = statuses.filter((s) => s !== '1');
  if (hashed.length === 0) return;
  const strongest = hashed.includes('3') ? '3' : hashed.includes('4') ? '4' : '2';
  const index = fieldIndex(table('Export'), 'HashStatus');
  for (const row of exports) row.values[index] = strongest;
}
