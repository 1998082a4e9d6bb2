/**
 * The journal that lets several Hearth processes share one SPARQL server (sparql-http-store.ts).
 * It lives in the graph `urn:hearth:journal`:
 *
 *   <urn:hearth:journal:head> hearth:txId N ; hearth:source "xx-501", …   (the last transaction, the sources)
 *   <urn:hearth:journal:tx:N> hearth:txId N ; hearth:token "uuid" ; hearth:changes "{json}"
 *
 * A commit is one SPARQL UPDATE request whose every operation is conditional on the head still
 * being N (`WHERE { GRAPH <journal> { <head> hearth:txId N } }`) and whose last operation moves the
 * head to N+1 with the transaction's token. Two processes committing at once: one request finds
 * the head moved and changes nothing; its process sees another token at N+1, catches up, and
 * retries. This needs the server to run one update request as one transaction (Virtuoso, Fuseki
 * with TDB2 and GraphDB do). `changes` names the records a transaction touched (or, for big
 * transactions, the sources to reload), so the other processes re-read just those rows.
 */
import { HEARTH } from '../model/namespaces.ts';

export const JOURNAL = 'urn:hearth:journal';
export const HEAD = 'urn:hearth:journal:head';
export const TX_ID = `${HEARTH}txId`;
export const TOKEN = `${HEARTH}token`;
export const CHANGES = `${HEARTH}changes`;
export const SOURCE = `${HEARTH}source`;
/** One triple per record in `urn:hearth:rows:{source}`: its row, exactly as stored (JSON). */
export const ROW = `${HEARTH}row`;
export const REPLACED = `${HEARTH}replaced`;
export const txIri = (n: number): string => `urn:hearth:journal:tx:${n}`;
export const rowsGraph = (source: string): string => `urn:hearth:rows:${source}`;

export interface Changes {
  /** [source, table, key] of every record put or removed. */
  readonly records: readonly (readonly [string, string, string])[];
  /** Sources to re-read whole (dropped, or too many records to list). */
  readonly reload: readonly string[];
}

export const MAX_LISTED_RECORDS = 2_000;

const literal = (text: string) => JSON.stringify(text); // a valid SPARQL string literal
const integer = (n: number) => `"${n}"^^<http://www.w3.org/2001/XMLSchema#integer>`;

/** The WHERE condition every operation of a commit carries. */
export const headIs = (n: number): string => `GRAPH <${JOURNAL}> { <${HEAD}> <${TX_ID}> ${integer(n)} }`;

/** True when the server has a journal head. */
export const hasHeadQuery = (): string => `ASK { GRAPH <${JOURNAL}> { <${HEAD}> <${TX_ID}> ?n } }`;

/**
 * Creates the head at 0; sent only when hasHeadQuery said no. (A conditional INSERT … WHERE would
 * be neater, but Virtuoso 7.2 answers a lone FILTER NOT EXISTS as true either way, and an OPTIONAL
 * with !BOUND as no solution.) Two processes starting at once write the same triple; a stray 0 left
 * by a slow one is harmless, since readers take the highest head.
 */
export const initHeadUpdate = (): string =>
  `INSERT DATA { GRAPH <${JOURNAL}> { <${HEAD}> <${TX_ID}> ${integer(0)} } }`;

/** The current head: the highest txId on the head node. */
export function headOf(bindings: readonly Record<string, { value: string } | undefined>[]): number {
  return bindings.reduce((max, b) => Math.max(max, Number(b.n?.value ?? 0)), 0);
}

/** The final operation of a commit: moves the head from n to n+1, records the transaction. */
export function advanceHeadUpdate(
  n: number,
  token: string,
  changes: Changes,
  sources: { readonly added: readonly string[]; readonly removed: readonly string[] },
): string {
  const tx = txIri(n + 1);
  const removed = sources.removed.map((s) => `<${HEAD}> <${SOURCE}> ${literal(s)} .`).join(' ');
  const added = sources.added.map((s) => `<${HEAD}> <${SOURCE}> ${literal(s)} .`).join(' ');
  return `DELETE { GRAPH <${JOURNAL}> { <${HEAD}> <${TX_ID}> ${integer(n)} . ${removed} } }
INSERT { GRAPH <${JOURNAL}> { <${HEAD}> <${TX_ID}> ${integer(n + 1)} . ${added}
  <${tx}> <${TX_ID}> ${integer(n + 1)} ; <${TOKEN}> ${literal(token)} ; <${CHANGES}> ${literal(JSON.stringify(changes))} } }
WHERE { ${headIs(n)} }`;
}

export const headQuery = (): string =>
  `SELECT ?n ?source WHERE { GRAPH <${JOURNAL}> { <${HEAD}> <${TX_ID}> ?n OPTIONAL { <${HEAD}> <${SOURCE}> ?source } } }`;

export const tokenQuery = (n: number): string =>
  `SELECT ?token WHERE { GRAPH <${JOURNAL}> { <${txIri(n)}> <${TOKEN}> ?token } }`;

export const changesQuery = (after: number): string =>
  `SELECT ?n ?changes WHERE { GRAPH <${JOURNAL}> { ?tx <${TX_ID}> ?n ; <${CHANGES}> ?changes FILTER(?n > ${after}) } } ORDER BY ?n`;

export function parseChanges(text: string): Changes {
  const value = JSON.parse(text) as Partial<Changes>;
  return { records: value.records ?? [], reload: value.reload ?? [] };
}
