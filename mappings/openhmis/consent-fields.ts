/**
 * The share flags of the seed's Consent-to-Share record (`fields`: 0 share, 1 do not, null nothing)
 * and the FY2026 Client columns each one opens. A name's or an identifier's data quality goes with
 * it, since it describes that value; FY2026 folds 2014's ethnicity into race (HispanicLatinao) and
 * records Sex (4.21) where 2014 had gender.
 */
export const CONSENT_FIELDS: Readonly<Record<string, readonly string[]>> = {
  firstName: ['FirstName', 'NameDataQuality'],
  middleName: ['MiddleName', 'NameDataQuality'],
  lastName: ['LastName', 'NameDataQuality'],
  nameSuffix: ['NameSuffix'],
  ssn: ['SSN', 'SSNDataQuality'],
  dob: ['DOB', 'DOBDataQuality'],
  race: [
    'AmIndAKNative',
    'Asian',
    'BlackAfAmerican',
    'MidEastNAfrican',
    'NativeHIPacific',
    'White',
    'RaceNone',
    'AdditionalRaceEthnicity',
  ],
  ethnicity: ['HispanicLatinao'],
  gender: ['Sex'],
  veteranStatus: ['VeteranStatus'],
};
