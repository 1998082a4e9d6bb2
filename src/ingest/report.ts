/** The validation report of an import: machine-readable (JSON) and for people (text). */

export interface ImportIssue {
  readonly file: string;
  /** Line in the file; the header is line 1. */
  readonly row: number;
  readonly column: string;
  readonly value: string;
  readonly rule: string;
  readonly message: string;
}

export interface FileSummary {
  readonly file: string;
  rows: number;
  invalid: number;
  /** Rows not applied because the stored record is newer (delta imports). */
  skippedOlder: number;
  applied: number;
  deleted: number;
}

export interface ImportReport {
  readonly source: string;
  readonly directive: 'full' | 'delta';
  /** False when nothing was applied (any error without --skip-invalid-rows). */
  applied: boolean;
  txId?: number;
  readonly files: FileSummary[];
  readonly errors: ImportIssue[];
  /** Rows applied with values that break an FY2026 list or rule (see validate/severity.ts). */
  readonly dataQuality: ImportIssue[];
  readonly warnings: string[];
  durationMs: number;
}

/** Values in reports are cut short: a report must not become a copy of a hostile file. */
export const excerpt = (value: string): string => (value.length > 100 ? `${value.slice(0, 100)}…` : value);

export function formatReport(report: ImportReport, maxErrors = 50): string {
  const lines = [
    `source ${report.source} (${report.directive} refresh): ${report.applied ? `applied as transaction ${report.txId}` : 'NOTHING APPLIED'}`,
  ];
  for (const f of report.files) {
    lines.push(
      `  ${f.file.padEnd(28)} ${String(f.rows).padStart(8)} rows  ${String(f.applied).padStart(8)} applied` +
        `  ${f.invalid} invalid  ${f.skippedOlder} older than stored  ${f.deleted} deleted`,
    );
  }
  for (const warning of report.warnings) lines.push(`warning: ${warning}`);
  for (const e of report.errors.slice(0, maxErrors)) {
    lines.push(`error: ${e.file} row ${e.row} column ${e.column}: ${e.message} [${e.rule}]`);
  }
  if (report.errors.length > maxErrors) {
    lines.push(`… and ${report.errors.length - maxErrors} more errors (write them all with --report FILE)`);
  }
  for (const [kind, issues] of groupFindings(report.dataQuality)) {
    const first = issues[0] as ImportIssue;
    lines.push(
      `data quality: ${kind}: ${issues.length} rows, kept (first: row ${first.row}: ${first.message})`,
    );
  }
  lines.push(
    `${report.errors.length} errors, ${report.dataQuality.length} data-quality findings, ` +
      `${report.warnings.length} warnings, ${(report.durationMs / 1000).toFixed(1)} s`,
  );
  return lines.join('\n');
}

function groupFindings(issues: readonly ImportIssue[]): Map<string, ImportIssue[]> {
  const groups = new Map<string, ImportIssue[]>();
  for (const issue of issues) {
    const kind = `${issue.file} ${issue.column} [${issue.rule}]`;
    groups.set(kind, [...(groups.get(kind) ?? []), issue]);
  }
  return groups;
}
