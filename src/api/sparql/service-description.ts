/**
 * SPARQL 1.1 Service Description: `GET /sparql` (or `/sparql/research`) without a query, asking for
 * an RDF format, describes the endpoint — languages, result formats, the union default graph,
 * the update endpoint — in Turtle or N-Triples. It names no data, so it needs no token.
 */
import { Parser, Writer } from 'n3';
import { negotiate } from '../router.ts';

const TYPES = ['text/turtle', 'application/n-triples'];
const RESULT_FORMATS = [
  'http://www.w3.org/ns/formats/SPARQL_Results_JSON',
  'http://www.w3.org/ns/formats/SPARQL_Results_XML',
  'http://www.w3.org/ns/formats/SPARQL_Results_CSV',
  'http://www.w3.org/ns/formats/SPARQL_Results_TSV',
  'http://www.w3.org/ns/formats/Turtle',
  'http://www.w3.org/ns/formats/N-Triples',
  'http://www.w3.org/ns/formats/JSON-LD',
];

/** The media type to describe the service in, when the request asks for one of them. */
export function wantsDescription(accept: string | undefined): string | undefined {
  if (!accept || !TYPES.some((type) => accept.toLowerCase().includes(type))) return undefined;
  try {
    return negotiate(accept, TYPES);
  } catch {
    return undefined;
  }
}

export function serviceDescription(endpoint: string, mediaType: string): Response {
  const update = new URL('/sparql/update', endpoint).href;
  const turtle = `@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
<${endpoint}#service> a sd:Service ;
  sd:endpoint <${endpoint}> ;
  sd:supportedLanguage sd:SPARQL11Query ;
  sd:feature sd:UnionDefaultGraph ;
  ${RESULT_FORMATS.map((f) => `sd:resultFormat <${f}>`).join(' ;\n  ')} .
<${update}#service> a sd:Service ;
  sd:endpoint <${update}> ;
  sd:supportedLanguage sd:SPARQL11Update .
`;
  let body = turtle;
  if (mediaType === 'application/n-triples') {
    const writer = new Writer({ format: 'N-Triples' });
    writer.addQuads(new Parser().parse(turtle));
    writer.end((_, result) => {
      body = result;
    });
  }
  return new Response(body, { headers: { 'Content-Type': `${mediaType}; charset=utf-8`, Vary: 'Accept' } });
}
