// The SPARQL worker: one in-memory Oxigraph store, driven by `SparqlEngine` (sparql-engine.ts).
// Plain JavaScript so that Node loads it directly under tsx, vitest and in production alike.
// Oxigraph runs queries synchronously inside WASM, hence the thread: the owner can terminate it.
//
// Protocol: every request is `{ id, type, ...payload }` and gets exactly one reply,
// `{ id, ok: true, value }` or `{ id, ok: false, error: { name, message, kind } }`.
// Errors are replies, never crashes; `kind` is 'syntax', 'format', 'input', 'evaluation' or 'panic'
// (a WASM trap: the store may be inconsistent afterwards, the owner should rebuild).
import { parentPort } from 'node:worker_threads';
import ox from 'oxigraph';

const NQUADS = 'application/n-quads';
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const MAX_MESSAGE = 400;

let store = new ox.Store();

/** @param {string} text */
function loadNQuads(text) {
  if (text) store.load(text, { format: NQUADS, lenient: true, no_transaction: true });
}

/**
 * A record replace that is exact and all-or-nothing for well-formed input: both N-Quads texts are
 * parsed before anything is deleted, so a syntax error leaves the store untouched.
 * `deleteSubjects` removes each record's own description in `graph` (its rdf:type quads and every
 * literal-valued quad) but keeps its IRI-valued quads: those are parent→child links, owned by the
 * child records. The old links *to* a record come in `deleteQuads`.
 * @param {{ graph?: string, deleteSubjects?: string[], deleteQuads?: string, insert?: string }} request
 */
function replace({ graph, deleteSubjects = [], deleteQuads = '', insert = '' }) {
  const toDelete = deleteQuads ? ox.parse(deleteQuads, { format: NQUADS }) : [];
  const toInsert = insert ? ox.parse(insert, { format: NQUADS }) : [];
  if (deleteSubjects.length > 0 && !graph) throw inputError('replace: deleteSubjects needs a graph');
  const graphNode = graph ? ox.namedNode(graph) : null;
  const subjects = deleteSubjects.map((s) => ox.namedNode(s));
  for (const subject of subjects)
    for (const quad of store.match(subject, null, null, graphNode))
      if (quad.object.termType === 'Literal' || quad.predicate.value === RDF_TYPE) store.delete(quad);
  for (const quad of toDelete) store.delete(quad);
  for (const quad of toInsert) store.add(quad);
  return { deleted: toDelete.length, inserted: toInsert.length };
}

/** @param {string} message */
function inputError(message) {
  const error = new Error(message);
  error.name = 'InputError';
  return error;
}

/**
 * @param {{ sparql: string, resultsFormat: string, defaultGraphAsUnion?: boolean }} request
 * @returns {string}
 */
function query({ sparql, resultsFormat, defaultGraphAsUnion = false }) {
  const result = store.query(sparql, {
    results_format: resultsFormat,
    use_default_graph_as_union: defaultGraphAsUnion,
  });
  if (typeof result !== 'string') throw new Error('Oxigraph returned no serialized result');
  return result;
}

/** @param {any} request */
function handle(request) {
  switch (request.type) {
    case 'load':
      loadNQuads(request.nquads);
      return undefined;
    case 'replace':
      return replace(request);
    case 'clear':
      store.free();
      store = new ox.Store();
      return undefined;
    case 'query':
      return query(request);
    case 'update':
      store.update(request.sparql);
      return undefined;
    case 'size':
      return store.size;
    case 'memory':
      return { ...process.memoryUsage(), resourceUsage: process.resourceUsage() };
    default:
      throw inputError(`unknown request type ${String(request.type)}`);
  }
}

/** @param {unknown} error */
function describe(error) {
  const name = error instanceof Error ? error.name : 'Error';
  let message = error instanceof Error ? error.message : String(error);
  let kind = 'evaluation';
  if (error instanceof WebAssembly.RuntimeError) kind = 'panic';
  else if (name === 'InputError') kind = 'input';
  else if (/^error at \d+:\d+/.test(message)) kind = 'syntax';
  else if (/^Parser error/.test(message)) kind = 'input';
  else if (/^Not supported .*format/.test(message)) kind = 'format';
  // Oxigraph's syntax errors list every expected token, character classes included.
  if (message.length > MAX_MESSAGE) message = `${message.slice(0, MAX_MESSAGE)}…`;
  return { name, message, kind };
}

parentPort?.on('message', (request) => {
  let reply;
  try {
    reply = { id: request.id, ok: true, value: handle(request) };
  } catch (error) {
    reply = { id: request.id, ok: false, error: describe(error) };
  }
  parentPort?.postMessage(reply);
});
