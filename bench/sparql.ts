/**
 * SPARQL benchmark: the example research queries (src/research/queries) on HUD's LSA sample,
 * side by side:
 *
 *   A  /sparql over HTTP as a researcher (authentication, sparqljs check, research engine, JSON)
 *   B  the research engine directly (Oxigraph in its worker thread, no HTTP)
 *   C  Oxigraph in this process, the same research quads loaded straight in (the floor)
 *   D  Virtuoso over HTTP, the same research quads loaded by the Graph Store Protocol
 *      (skipped when virtuoso-t is not installed)
 *
 * and, over the records themselves (what an admin's /sparql runs on), the embedded store's Oxigraph
 * index side by side with Hearth's SPARQL server backend on Virtuoso (the LSA import included).
 *
 *   npx tsx bench/sparql.ts [runs=5] [--no-remote]
 *
 * Each cell is the median of `runs` timed runs after one warm-up; every engine's answer is checked
 * against A's (averages compared to 9 digits). Target (issue 5): aggregation queries ≤ 1 s on LSA.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import ox from 'oxigraph';
import { createApp } from '../src/api/app.ts';
import { SPARQL_DEFAULTS } from '../src/config.ts';
import { importHmisCsv } from '../src/ingest/import.ts';
import { toNQuads } from '../src/rdf/record-quads.ts';
import { RESEARCH_QUERIES } from '../src/research/queries.ts';
import { ResearchIndex, researchQuads } from '../src/research/research-index.ts';
import { AuditLog } from '../src/security/audit.ts';
import { UserDirectory } from '../src/security/users.ts';
import { EmbeddedStore } from '../src/store/embedded-store.ts';
import { RecordStore } from '../src/store/record-store.ts';
import { endpointsFrom, RemoteClient } from '../src/store/remote-client.ts';
import { SparqlHttpStore } from '../src/store/sparql-http-store.ts';
import { removeTempDirs, tempDir } from '../test/helpers/exports.ts';
import { startVirtuoso, virtuosoInstalled } from '../test/sparql/virtuoso.ts';
import { LSA_SAMPLE_ZIP } from './stats.ts';

const LSA_ZIP = LSA_SAMPLE_ZIP;
const BASE = 'http://localhost:8080/id';
const TARGET_MS = 1_000;
const runs = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 5);
const remoteBackend = !process.argv.includes('--no-remote');

type Rows = Record<string, string>[];
type Engine = { name: string; run(sparql: string): Promise<Rows>; close(): Promise<void> };

const rowsOf = (json: string): Rows =>
  (JSON.parse(json) as { results: { bindings: Record<string, { value: string }>[] } }).results.bindings.map(
    (b) =>
      Object.fromEntries(
        Object.entries(b).map(([k, v]) => [
          k,
          /^-?\d+\.\d+$/.test(v.value) ? Number(v.value).toFixed(9) : v.value,
        ]),
      ),
  );

async function timed<T>(step: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  console.log(`${step}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

async function median(engine: Engine, sparql: string): Promise<{ ms: number; rows: Rows }> {
  const rows = await engine.run(sparql);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await engine.run(sparql);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)] ?? Number.NaN, rows };
}

async function main(): Promise<void> {
  const dir = tempDir('hearth-bench-sparql-');
  const log = await RecordStore.open({ dir });
  await timed('import of the LSA sample', () => importHmisCsv(log, LSA_ZIP));
  await log.close();
  const store = await EmbeddedStore.open({ dir, baseIri: BASE });
  await timed('SPARQL index of the records (Oxigraph)', () => store.indexReady);
  const research = await timed('research graph (de-identify and load)', async () => {
    const index = await ResearchIndex.open(store);
    await index.ready;
    return index;
  });
  console.log(`research graph: ${(await research.size()).toLocaleString('en-US')} quads`);

  const users = new UserDirectory(dir);
  const token = await users.add('bench-researcher', 'researcher');
  const config = { dataDir: dir, baseIri: BASE, port: 0, maxQuads: undefined, sparql: SPARQL_DEFAULTS };
  const app = createApp({ store, config, users, audit: new AuditLog(dir), research });
  const http = await new Promise<{ url: string; close(): void }>((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
      resolve({ url: `http://127.0.0.1:${info.port}/sparql`, close: () => server.close() }),
    );
  });

  const nquads: string[] = [];
  for (const quads of researchQuads(store.records, research.deidentifier)) nquads.push(toNQuads(quads));
  const engines: Engine[] = [
    {
      name: 'A /sparql HTTP',
      async run(sparql) {
        const response = await fetch(http.url, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/sparql-query' },
          body: sparql,
        });
        if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
        return rowsOf(await response.text());
      },
      async close() {
        http.close();
      },
    },
    {
      name: 'B research engine',
      run: async (sparql) =>
        rowsOf((await research.query(sparql, { accept: 'application/sparql-results+json' })).body),
      close: async () => {},
    },
  ];
  const direct = new ox.Store();
  await timed('C: Oxigraph in-process load', async () => {
    for (let i = 0; i < nquads.length; i += 5_000)
      direct.load(nquads.slice(i, i + 5_000).join(''), {
        format: 'application/n-quads',
        no_transaction: true,
      });
  });
  engines.push({
    name: 'C Oxigraph direct',
    run: async (sparql) =>
      rowsOf(
        direct.query(sparql, {
          results_format: 'application/sparql-results+json',
          use_default_graph_as_union: true,
        }) as string,
      ),
    close: async () => {},
  });
  if (virtuosoInstalled()) {
    const virtuoso = await startVirtuoso();
    const client = new RemoteClient(endpointsFrom(virtuoso.store), 300_000);
    await timed('D: Virtuoso load (Graph Store Protocol)', async () => {
      const byGraph = new Map<string, string[]>();
      for (const text of nquads)
        for (const line of text.split('\n').filter(Boolean)) {
          const graph = line.slice(line.lastIndexOf('<') + 1, line.lastIndexOf('>'));
          const triple = `${line.slice(0, line.lastIndexOf('<')).trimEnd()} .\n`;
          const list = byGraph.get(graph) ?? [];
          list.push(triple);
          byGraph.set(graph, list);
        }
      for (const [graph, lines] of byGraph)
        for (let i = 0; i < lines.length; i += 100_000)
          await client.addToGraph(graph, lines.slice(i, i + 100_000).join(''));
    });
    engines.push({
      name: 'D Virtuoso HTTP',
      run: async (sparql) => rowsOf(JSON.stringify(await client.select(sparql, 300_000))),
      close: () => virtuoso.stop(),
    });
  } else console.log('D: Virtuoso skipped (virtuoso-t is not installed)');

  console.log(`\nmedian of ${runs} runs, ms (LSA sample, research graph; target ≤ ${TARGET_MS} ms)\n`);
  console.log(['query', ...engines.map((e) => e.name), 'answers'].join(' | '));
  let worst = 0;
  for (const q of RESEARCH_QUERIES) {
    const cells: string[] = [];
    let reference: string | undefined;
    let agree = true;
    for (const engine of engines) {
      const { ms, rows } = await median(engine, q.query);
      const text = JSON.stringify(rows);
      reference ??= text;
      agree &&= text === reference;
      if (engine.name.startsWith('A')) worst = Math.max(worst, ms);
      cells.push(ms.toFixed(1));
    }
    console.log([q.name, ...cells, agree ? 'equal' : 'DIFFER'].join(' | '));
  }
  console.log(
    `\nslowest research query over HTTP: ${worst.toFixed(0)} ms (${worst <= TARGET_MS ? 'within' : 'OVER'} the ${TARGET_MS} ms target)`,
  );
  for (const engine of engines) await engine.close();
  if (remoteBackend && virtuosoInstalled()) await recordsBackends(store);
  await research.close();
  await store.close();
  removeTempDirs();
}

/** The research queries over the records: the embedded index vs the SPARQL server backend. */
async function recordsBackends(store: EmbeddedStore): Promise<void> {
  const virtuoso = await startVirtuoso();
  try {
    const remote = await SparqlHttpStore.open({
      store: virtuoso.store,
      baseIri: BASE,
      pollMs: 0,
      timeoutMs: 900_000,
    });
    await timed('\nHearth on Virtuoso (HEARTH_STORE): import of the LSA sample, one transaction', () =>
      importHmisCsv(remote.log as unknown as RecordStore, LSA_ZIP),
    );
    await timed('a second Hearth process opening on that server (rows into its cache)', async () => {
      const second = await SparqlHttpStore.open({ store: virtuoso.store, baseIri: BASE, pollMs: 0 });
      await second.close();
    });
    const options = {
      accept: 'application/sparql-results+json',
      defaultGraphAsUnion: true,
      timeoutMs: 300_000,
    };
    const backends: Engine[] = [
      {
        name: 'embedded (Oxigraph index)',
        run: async (q) => rowsOf((await store.query(q, options)).body),
        close: async () => {},
      },
      {
        name: 'SPARQL server (Virtuoso)',
        run: async (q) => rowsOf((await remote.query(q, options)).body),
        close: async () => {},
      },
    ];
    console.log(`\nover the records (3.66 M quads), median of ${runs} runs, ms\n`);
    console.log(['query', ...backends.map((b) => b.name), 'answers'].join(' | '));
    for (const q of RESEARCH_QUERIES) {
      const [a, b] = [
        await median(backends[0] as Engine, q.query),
        await median(backends[1] as Engine, q.query),
      ];
      const same = JSON.stringify(a.rows) === JSON.stringify(b.rows);
      console.log([q.name, a.ms.toFixed(1), b.ms.toFixed(1), same ? 'equal' : 'DIFFER'].join(' | '));
    }
    await remote.close();
  } finally {
    await virtuoso.stop();
  }
}

await main();
