/**
 * The query binder (src/query/bind.ts) and the router's parameter helpers: what may reach a stored
 * query, and how. Bound queries are checked by parsing them with sparqljs: whatever the value, the
 * query keeps its shape and the value stays one term.
 */
import { Parser } from 'sparqljs';
import { describe, expect, it } from 'vitest';
import { negotiate, normalizeDateTime } from '../../src/api/router.ts';
import { BindError, bindQuery, count, iri, literal, termText } from '../../src/query/bind.ts';

const TEMPLATE = `SELECT ?s WHERE {
  ?s <urn:x:p> $value .
#if extra
  ?s <urn:x:q> $extra .
#endif
} LIMIT $limit`;

describe('bindQuery', () => {
  it('writes terms with their datatypes and keeps #if blocks only when bound', () => {
    const bound = bindQuery(TEMPLATE, { value: literal('2025-01-01', 'date'), limit: count(5) });
    expect(bound).toContain('<urn:x:p> "2025-01-01"^^<http://www.w3.org/2001/XMLSchema#date> .');
    expect(bound).not.toContain('urn:x:q');
    expect(bound).toContain('LIMIT 5');
    const withExtra = bindQuery(TEMPLATE, {
      value: iri('urn:x:o'),
      extra: [iri('urn:x:a'), iri('urn:x:b')],
      limit: count(1),
    });
    expect(withExtra).toContain('<urn:x:q> <urn:x:a> <urn:x:b> .');
  });

  it('drops comment lines, so a comment naming $something needs no binding', () => {
    const template =
      '# Finds $nothing: documentation only.\nSELECT ?s WHERE {\n  # $either\n  ?s <urn:x:p#frag> $value .\n}';
    const bound = bindQuery(template, { value: iri('urn:x:o') });
    expect(bound).toBe('SELECT ?s WHERE {\n  ?s <urn:x:p#frag> <urn:x:o> .\n}');
    expect(bindQuery(template, { value: iri('urn:x:o') })).toBe(bound); // a second time, the same
  });

  it('keeps any string one literal, whatever it contains', () => {
    const hostile = [
      '" } ; DROP ALL ; #',
      '\\" } #',
      '\\u0022 } #',
      'line\nbreak',
      '$limit',
      '#endif',
      '>}<',
    ];
    for (const value of hostile) {
      const query = new Parser().parse(bindQuery(TEMPLATE, { value: literal(value), limit: count(1) })) as {
        where: { triples: { object: { value: string } }[] }[];
      };
      expect(query.where).toHaveLength(1);
      expect(query.where[0]?.triples[0]?.object.value).toBe(value);
    }
  });

  it('refuses what is not a well-formed term, and unbound placeholders', () => {
    const refuse = (run: () => unknown) => expect(run).toThrow(BindError);
    refuse(() => termText(iri('urn:x:a> <urn:x:b')));
    refuse(() => termText(iri('relative/path')));
    refuse(() => termText(iri('urn:x:a\u0000')));
    refuse(() => termText(literal('2025-02-01" ; #', 'date')));
    refuse(() => termText(literal('1 ; DROP', 'integer')));
    refuse(() => termText(literal('2025-01-01T00:00:00 x', 'dateTime')));
    refuse(() => termText(literal('bell\u0007')));
    refuse(() => termText(count(-1)));
    refuse(() => termText(count(1.5)));
    refuse(() => bindQuery(TEMPLATE, { value: literal('x') }));
    refuse(() => bindQuery('#if a\n#if b\n#endif\n#endif', { a: literal('x'), b: literal('y') }));
    refuse(() => bindQuery('#if a\nx', { a: literal('x') }));
    refuse(() => bindQuery('#endif', {}));
  });
});

describe('router helpers', () => {
  it('normalizes date-times to zone-less UTC and refuses impossible ones', () => {
    expect(normalizeDateTime('2026-07-20')).toBe('2026-07-20T00:00:00');
    expect(normalizeDateTime('2026-07-20 10:11')).toBe('2026-07-20T10:11:00');
    expect(normalizeDateTime('2026-07-20T10:11:12.5Z')).toBe('2026-07-20T10:11:12');
    expect(normalizeDateTime('2026-07-20T01:00:00+02:00')).toBe('2026-07-19T23:00:00');
    for (const bad of ['2026-02-30', '2026-07-20T24:00:00', '20260720', '2026-07-20T10:11:12+2'])
      expect(normalizeDateTime(bad)).toBeUndefined();
  });

  it('negotiates by q-value, specificity and the route’s preference', () => {
    const types = ['application/json', 'application/ld+json', 'text/turtle'];
    expect(negotiate(undefined, types)).toBe('application/json');
    expect(negotiate('text/*', types)).toBe('text/turtle');
    expect(negotiate('application/*;q=0.2, text/turtle;q=0.1', types)).toBe('application/json');
    expect(negotiate('application/ld+json, application/json;q=0.9', types)).toBe('application/ld+json');
    expect(() => negotiate('image/png', types)).toThrow(/answers with/);
  });
});
