export const ExitCode = {
  Ok: 0,
  /** Rows failed validation (the report says which). */
  InvalidData: 1,
  Usage: 2,
  /** The input or the store cannot be used at all (unreadable zip, missing file, locked store). */
  Unusable: 3,
} as const;

export class UsageError extends Error {
  override name = 'UsageError';
}
