/**
 * Header names seen in real exports and in the FY2024 format that mean an FY2026 column.
 * Matching is case-insensitive besides these (exports write `PersonalId`, `personalid`, …).
 */
export const HEADER_ALIASES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  // FY2024 spelled the ethnicity column "HispanicLatinaeo"; FY2026 renamed it "HispanicLatinao".
  Client: { HispanicLatinaeo: 'HispanicLatinao' },
};
