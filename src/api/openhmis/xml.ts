/**
 * OpenHMIS bodies as XML, both directions, with the same content as the JSON forms:
 *
 *   { "data": { "item": { "firstName": "Ann", "middleName": null, "organizationIds": ["O1"] } } }
 *   <data><item><firstName>Ann</firstName><middleName xsi:nil="true"/>
 *     <organizationIds array="true"><item>O1</item></organizationIds></item></data>
 *
 * An object is an element per property, an array an element holding one `item` per entry, null an
 * element with xsi:nil="true"; lists are marked array="true" (so an empty list stays a list), and a
 * hand-written list of `item` elements is read as one too. XML has no types, so parsed leaves are strings; the resource mapping
 * types them (see records.ts). Parsing is streaming (saxes) and hostile-input safe: no DTD (hence no
 * entity expansion, no external entities: XXE and "billion laughs" are refused outright), bounded
 * depth and element count, no mixed content, no repeated property.
 */
import { SaxesParser } from 'saxes';

export type XmlValue = string | null | XmlValue[] | { [name: string]: XmlValue };

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const MAX_DEPTH = 16;
const MAX_ELEMENTS = 20_000;
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export class XmlBodyError extends Error {
  override name = 'XmlBodyError';
}

const escapeText = (text: string) =>
  text.replace(/[<>&]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&amp;'));

function element(name: string, value: unknown): string {
  if (!NAME.test(name)) throw new Error(`${name} is not an XML element name`);
  if (value === null || value === undefined) return `<${name} xsi:nil="true"/>`;
  if (Array.isArray(value))
    return `<${name} array="true">${value.map((v) => element('item', v)).join('')}</${name}>`;
  if (typeof value === 'object') {
    const children = Object.entries(value as Record<string, unknown>)
      .map(([key, v]) => element(key, v))
      .join('');
    return `<${name}>${children}</${name}>`;
  }
  // Characters XML 1.0 cannot carry at all are dropped rather than producing a broken document.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
  const text = String(value).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
  return `<${name}>${escapeText(text)}</${name}>`;
}

/** A JSON value as an XML document whose root element is `root`. */
export function toXml(root: string, value: unknown): string {
  const body = element(root, value);
  const open = `<${root}`;
  // The xsi namespace is declared once, on the root.
  return `<?xml version="1.0" encoding="UTF-8"?>\n${open} xmlns:xsi="${XSI}"${body.slice(open.length)}`;
}

interface Frame {
  readonly name: string;
  readonly nil: boolean;
  /** Marked array="true" (Hearth writes that), or children all named `item` (hand-written lists). */
  readonly array: boolean;
  /** The wrapper `<data>`, whose `item` is a member (the one object), not a list entry. */
  readonly wrapper: boolean;
  text: string;
  children: [string, XmlValue][] | undefined;
}

function frameValue(frame: Frame): XmlValue {
  if (frame.nil) {
    if (frame.children || frame.text.trim()) throw new XmlBodyError(`<${frame.name}> is nil but not empty`);
    return null;
  }
  if (!frame.children) return frame.array ? [] : frame.text;
  if (frame.text.trim()) throw new XmlBodyError(`<${frame.name}> mixes text and elements`);
  const list = frame.array || (!frame.wrapper && frame.children.every(([name]) => name === 'item'));
  if (list) {
    if (frame.children.some(([name]) => name !== 'item'))
      throw new XmlBodyError(`<${frame.name}> is a list: its entries are <item>`);
    return frame.children.map(([, v]) => v);
  }
  const object: { [name: string]: XmlValue } = {};
  for (const [name, value] of frame.children) {
    if (Object.hasOwn(object, name)) throw new XmlBodyError(`<${name}> appears twice in <${frame.name}>`);
    object[name] = value;
  }
  return object;
}

/** The document's root element name and content. Throws XmlBodyError for anything it refuses. */
export function parseXml(text: string): { root: string; value: XmlValue } {
  const parser = new SaxesParser({ xmlns: false, position: true });
  const stack: Frame[] = [];
  let result: { root: string; value: XmlValue } | undefined;
  let elements = 0;
  parser.on('doctype', () => {
    throw new XmlBodyError('a DOCTYPE is not accepted (no DTDs, no entities)');
  });
  parser.on('opentag', (tag) => {
    if (result) throw new XmlBodyError('content after the root element');
    if (++elements > MAX_ELEMENTS) throw new XmlBodyError(`more than ${MAX_ELEMENTS} elements`);
    if (stack.length >= MAX_DEPTH) throw new XmlBodyError(`nested deeper than ${MAX_DEPTH} levels`);
    const attributes = tag.attributes as Record<string, string>;
    const nil = (attributes['xsi:nil'] ?? attributes.nil) === 'true';
    const parent = stack[stack.length - 1];
    if (parent) parent.children ??= [];
    const array = attributes.array === 'true';
    const wrapper = stack.length === 0 && tag.name === 'data';
    stack.push({ name: tag.name, nil, array, wrapper, text: '', children: undefined });
  });
  const addText = (text: string) => {
    const top = stack[stack.length - 1];
    if (top) top.text += text;
    else if (text.trim()) throw new XmlBodyError('text outside the root element');
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', () => {
    const frame = stack.pop() as Frame;
    const value = frameValue(frame);
    const parent = stack[stack.length - 1];
    if (parent) parent.children?.push([frame.name, value]);
    else result = { root: frame.name, value };
  });
  try {
    parser.write(text).close();
  } catch (error) {
    if (error instanceof XmlBodyError) throw error;
    // saxes reports undefined entities, bad names and unclosed tags with line:column.
    throw new XmlBodyError(`not well-formed XML: ${(error as Error).message.slice(0, 200)}`);
  }
  if (!result) throw new XmlBodyError('no root element');
  return result;
}
