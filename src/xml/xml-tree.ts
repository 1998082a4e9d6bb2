/**
 * Small in-memory trees for one record at a time (HMIS XML is flat: a record is a dozen leaf
 * elements), and the serializer that writes kept foreign elements back out unchanged.
 */
import type { XmlHandler, XmlOpen } from './reader.ts';

export interface XmlNode {
  readonly open: XmlOpen;
  text: string;
  readonly children: XmlNode[];
}

/** Builds a tree of every element at `depth` and below, handing each finished one to `done`. */
export function subtreeCollector(
  depth: number,
  done: (node: XmlNode) => void,
): Pick<XmlHandler, 'open' | 'close'> {
  const stack: XmlNode[] = [];
  return {
    open(element, at) {
      if (at < depth) return;
      const node: XmlNode = { open: element, text: '', children: [] };
      stack.at(-1)?.children.push(node);
      stack.push(node);
    },
    close(_element, text, at) {
      if (at < depth) return;
      const node = stack.pop();
      if (!node) return;
      node.text = text;
      if (at === depth) done(node);
    },
  };
}

export const escapeText = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
export const escapeAttribute = (value: string): string =>
  escapeText(value)
    .replace(/"/g, '&quot;')
    .replace(/\r/g, '&#13;')
    .replace(/\n/g, '&#10;')
    .replace(/\t/g, '&#9;');

/** Writes a node as XML, declaring the namespaces its names use (so the fragment stands alone). */
export function serializeNode(node: XmlNode, inScope: ReadonlyMap<string, string> = new Map()): string {
  const scope = new Map(inScope);
  const declarations: string[] = [];
  const declare = (prefix: string, uri: string) => {
    if (prefix === 'xml' || scope.get(prefix) === uri) return;
    if (prefix === '' && uri === '' && !scope.has('')) return;
    scope.set(prefix, uri);
    declarations.push(
      prefix ? ` xmlns:${prefix}="${escapeAttribute(uri)}"` : ` xmlns="${escapeAttribute(uri)}"`,
    );
  };
  const { open } = node;
  declare(open.prefix, open.uri);
  const attributes = open.attributes.map((a) => {
    const prefix = a.qname.includes(':') ? (a.qname.split(':')[0] ?? '') : '';
    if (prefix) declare(prefix, a.uri);
    return ` ${a.qname}="${escapeAttribute(a.value)}"`;
  });
  const inner =
    node.children.length > 0
      ? node.children.map((c) => serializeNode(c, scope)).join('')
      : escapeText(node.text);
  return `<${open.qname}${declarations.join('')}${attributes.join('')}>${inner}</${open.qname}>`;
}

export const childText = (node: XmlNode, local: string): string | undefined =>
  node.children.find((c) => c.open.local === local)?.text.trim();
