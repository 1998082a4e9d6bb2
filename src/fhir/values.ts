/** Small converters from stored HUD values to FHIR primitives and data types. */
import { hudLabel } from '../../mappings/fhir/fields.ts';
import { hudCodeSystem } from '../../mappings/fhir/systems.ts';
import type { Row } from '../store/record-state.ts';
import type { CodeableConcept, Coding } from './types.ts';

export const cell = (row: Row | undefined, index: number): string => row?.[index] ?? '';

/**
 * A HUD date-time (`2024-01-31T10:00:00` or with a space) as a FHIR instant. HUD's format has no
 * zone; Hearth reads such values as UTC everywhere (as the HMIS API's `since` does).
 */
export function instant(value: string): string | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})/.exec(value);
  return match ? `${match[1]}T${match[2]}Z` : undefined;
}

/** A FHIR date (YYYY-MM-DD) or undefined. */
export const date = (value: string): string | undefined =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : undefined;

/** A coding of a HUD code list, with HUD's label. */
export function hudCoding(list: string, code: string): Coding {
  return { system: hudCodeSystem(list), code, display: hudLabel(list, code) };
}

export function hudConcept(list: string, code: string): CodeableConcept {
  return { coding: [hudCoding(list, code)], text: hudLabel(list, code) };
}

/** True when `code` is in the HUD list (so a legacy code in the data never breaks a coding). */
export function inList(list: string, code: string): boolean {
  try {
    hudLabel(list, code);
    return true;
  } catch {
    return false;
  }
}

/** Drops undefined members so that resources carry no empty elements. */
export function compact<T extends Record<string, unknown>>(object: T): T {
  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(object)) {
    if (value === undefined) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    result[name] = value;
  }
  return result as T;
}
