/**
 * How one model value becomes the text of one XML element of a version: code translation,
 * timestamp form, and a check against the element's schema type. A value the type refuses (a
 * FY2026 code FY2022 does not know) is not written as is: an optional element is left out and a
 * required one takes the schema's "data not collected" code; both are counted as losses.
 */
import { codeToXml, type VersionView } from './mapping.ts';
import type { ComplexType, ElementDecl, SimpleType } from './schema/types.ts';
import { checkSimpleValue } from './simple-types.ts';

/** False for text XML 1.0 cannot hold at all, not even as character references (most C0 controls,
 * U+FFFE/U+FFFF, unpaired surrogates). */
export function holdsInXml(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 && c !== 0x9 && c !== 0xa && c !== 0xd) return false;
    if (c === 0xfffe || c === 0xffff || (c >= 0xdc00 && c <= 0xdfff)) return false;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    }
  }
  return true;
}

export const toXmlDateTime = (value: string): string =>
  /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value) ? `${value.slice(0, 10)}T${value.slice(11)}` : value;

export class ValueWriter {
  /** `Record.Element` → how many values could not be written as they are. */
  readonly losses = new Map<string, number>();
  private readonly valid = new Map<string, Map<string, boolean>>();

  constructor(readonly view: VersionView) {}

  simpleTypeOf(typeName: string): SimpleType | undefined {
    const { schema } = this.view;
    const complex: ComplexType | undefined = schema.complexTypes[typeName];
    const name = complex ? complex.simple : typeName;
    if (!name) return undefined;
    return schema.simpleTypes[name] ?? (name.startsWith('xs:') ? { builtin: name.slice(3) } : undefined);
  }

  /** Whether the text is valid for the type (memoized: codes repeat a million times). */
  isValid(typeName: string, text: string): boolean {
    let cache = this.valid.get(typeName);
    if (!cache) {
      cache = new Map();
      this.valid.set(typeName, cache);
    }
    let ok = cache.get(text);
    if (ok === undefined) {
      const type = this.simpleTypeOf(typeName);
      ok = type === undefined || checkSimpleValue(type, text) === undefined;
      if (cache.size < 10_000) cache.set(text, ok);
    }
    return ok;
  }

  /** The XML text for a model value, or undefined when the element must be left out. */
  text(
    record: string,
    decl: ElementDecl,
    typeName: string,
    field: string,
    value: string,
  ): string | undefined {
    if (value === '') return decl.min > 0 ? this.fallback(record, decl, typeName) : undefined;
    if (!holdsInXml(value)) {
      this.lose(record, decl.name);
      return decl.min > 0 ? this.fallback(record, decl, typeName, false) : undefined;
    }
    let text = codeToXml(this.view.version, field, value);
    const builtin = this.simpleTypeOf(typeName)?.builtin;
    if (builtin === 'dateTime')
      text = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00` : toXmlDateTime(text);
    if (builtin === 'date' && text.length > 10) text = text.slice(0, 10);
    if (this.isValid(typeName, text)) return text;
    this.lose(record, decl.name);
    return decl.min > 0 ? this.fallback(record, decl, typeName, false) : undefined;
  }

  /** A required element without a value: HUD's "Data not collected" (99) where the list has it. */
  fallback(record: string, decl: ElementDecl, typeName: string, count = true): string | undefined {
    if (count) this.lose(record, decl.name);
    return this.notCollected(typeName);
  }

  /** 99 only: in lists without it, 8 and 9 are real codes (ProjectType 9 is PH – Housing Only). */
  notCollected(typeName: string): string | undefined {
    return this.simpleTypeOf(typeName)?.enumeration?.includes('99') ? '99' : undefined;
  }

  lose(record: string, element: string): void {
    const label = `${record}.${element}`;
    this.losses.set(label, (this.losses.get(label) ?? 0) + 1);
  }
}
