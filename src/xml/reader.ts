/**
 * The one way Hearth reads XML: saxes, streaming, with the defences an HMIS file from elsewhere
 * needs. No DTD is accepted at all (so no external entities, no entity expansion), and size,
 * depth, text and attribute limits stop hostile documents before they cost memory. Errors name
 * the line and the element.
 */
import type { Readable } from 'node:stream';
import { SaxesParser, type SaxesTagNS } from 'saxes';

export interface XmlLimits {
  /** The whole document, in bytes. */
  readonly maxBytes: number;
  readonly maxDepth: number;
  /** One element's text, in characters. */
  readonly maxTextLength: number;
  readonly maxAttributes: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = {
  maxBytes: 4 * 1024 * 1024 * 1024,
  maxDepth: 32,
  maxTextLength: 64 * 1024,
  maxAttributes: 32,
};

export class XmlInputError extends Error {
  override name = 'XmlInputError';
  constructor(
    message: string,
    readonly line: number,
    readonly element: string,
  ) {
    super(`line ${line}${element ? ` <${element}>` : ''}: ${message}`);
  }
}

export interface XmlAttribute {
  /** As written, e.g. `hmis:hashStatus`. */
  readonly qname: string;
  readonly local: string;
  readonly uri: string;
  readonly value: string;
}

export interface XmlOpen {
  readonly qname: string;
  readonly local: string;
  readonly uri: string;
  readonly prefix: string;
  readonly attributes: readonly XmlAttribute[];
  readonly line: number;
}

/** Receives the document as it streams; `close` gets the element's collected text. */
export interface XmlHandler {
  open(element: XmlOpen, depth: number): void;
  close(element: XmlOpen, text: string, depth: number): void;
  end?(): void;
}

const XMLNS = 'http://www.w3.org/2000/xmlns/';

function toOpen(tag: SaxesTagNS, line: number): XmlOpen {
  const attributes: XmlAttribute[] = [];
  for (const a of Object.values(tag.attributes)) {
    if (a.uri === XMLNS || a.name === 'xmlns') continue;
    attributes.push({ qname: a.name, local: a.local, uri: a.uri, value: a.value });
  }
  return {
    qname: tag.name,
    local: tag.local,
    uri: tag.uri,
    prefix: tag.prefix,
    attributes,
    line,
  };
}

/** Parses a stream into the handler; rejects with XmlInputError on anything unsafe or malformed. */
export async function parseXml(
  input: Readable | AsyncIterable<Buffer | string>,
  handler: XmlHandler,
  limits: XmlLimits = DEFAULT_XML_LIMITS,
): Promise<void> {
  const parser = new SaxesParser({ xmlns: true, position: true });
  // An element's text is collected only while it has no child elements: whitespace between
  // records must not add up (a container keeps just the first stray text, for error messages).
  const stack: { element: XmlOpen; text: string; parent: boolean }[] = [];
  const where = () => stack.at(-1)?.element.qname ?? '';
  const fail = (message: string): never => {
    throw new XmlInputError(message, parser.line, where());
  };
  parser.on('error', (error) => {
    const message = error.message.replace(/^[^:]*:\d+:\d+: /, '');
    throw new XmlInputError(`not well-formed XML: ${message}`, parser.line, where());
  });
  parser.on('doctype', () =>
    fail('a DOCTYPE (DTD) is not allowed in HMIS XML: entities and external references are refused'),
  );
  parser.on('processinginstruction', (pi) => {
    if (pi.target.toLowerCase() !== 'xml-stylesheet') return;
    fail('processing instructions that load resources are not allowed');
  });
  parser.on('opentag', (tag) => {
    if (stack.length >= limits.maxDepth) fail(`elements nest deeper than ${limits.maxDepth} levels`);
    if (Object.keys(tag.attributes).length > limits.maxAttributes)
      fail(`more than ${limits.maxAttributes} attributes on <${tag.name}>`);
    const element = toOpen(tag as SaxesTagNS, parser.line);
    const parent = stack.at(-1);
    if (parent && !parent.parent) {
      parent.parent = true;
      parent.text = parent.text.trim().slice(0, 40);
    }
    stack.push({ element, text: '', parent: false });
    handler.open(element, stack.length);
  });
  parser.on('text', (text) => {
    const top = stack.at(-1);
    if (!top) return;
    if (top.parent) {
      if (top.text === '') top.text = text.trim().slice(0, 40);
      return;
    }
    if (top.text.length + text.length > limits.maxTextLength)
      fail(`text longer than ${limits.maxTextLength} characters`);
    top.text += text;
  });
  parser.on('cdata', (text) => {
    const top = stack.at(-1);
    if (top) top.text += text;
  });
  parser.on('closetag', () => {
    const top = stack.pop();
    if (top) handler.close(top.element, top.text, stack.length + 1);
  });
  let bytes = 0;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of input) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      bytes += buffer.length;
      if (bytes > limits.maxBytes) fail(`the document is larger than ${limits.maxBytes} bytes`);
      parser.write(decoder.decode(buffer, { stream: true }));
    }
    parser.write(decoder.decode());
    parser.close();
  } catch (error) {
    if (
      error instanceof TypeError &&
      (error as { code?: string }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA'
    )
      throw new XmlInputError('the document is not valid UTF-8', parser.line, where());
    throw error;
  }
  handler.end?.();
}
