// Probe: loads the unzipped LSA sample (dir as argv[2]) naively as N-Quads into in-memory Oxigraph,
// then times point lookups, one 4-way join and a dump. Run: node bench/oxigraph-probe.mjs /tmp/lsa
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import ox from 'oxigraph';

const dir = process.argv[2] ?? '/tmp/lsa';
const base = 'https://hearth.example/src/lsa/';
let t0 = performance.now();
const lines = [];
let n = 0;
for (const f of fs.readdirSync(dir)) {
  const t = f.replace('.csv', '');
  const rows = parse(fs.readFileSync(`${dir}/${f}`), { bom: true, columns: true, relax_quotes: true });
  for (const r of rows) {
    const keys = Object.keys(r);
    const s = `<${base}${t.toLowerCase()}/${encodeURIComponent(r[keys[0]])}>`;
    lines.push(`${s} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <urn:hud:hmis:owl#${t}> <${base}> .`);
    n++;
    for (const k of keys) {
      const v = r[k];
      if (v === '') continue;
      n++;
      lines.push(
        `${s} <urn:hud:hmis:owl#${k}> ${/^-?\d+$/.test(v) ? `"${v}"^^<http://www.w3.org/2001/XMLSchema#integer>` : JSON.stringify(v)} <${base}> .`,
      );
    }
  }
}
const text = lines.join('\n');
console.log('quads', n, 'MB', text.length / 1e6, 'gen ms', performance.now() - t0);
fs.writeFileSync('/tmp/scratch/lsa.nq', text);
t0 = performance.now();
const st = new ox.Store();
st.load(text, { format: 'application/n-quads', unchecked: true, no_transaction: true });
console.log('load ms', performance.now() - t0, 'size', st.size, 'rss MB', process.memoryUsage().rss / 1e6);
t0 = performance.now();
for (let i = 0; i < 100; i++) {
  st.match(ox.namedNode(`${base}client/${100 + i}`), null, null, null);
}
console.log('match x100 ms', performance.now() - t0);
t0 = performance.now();
const r = st.query(
  `SELECT (COUNT(*) AS ?c) WHERE { GRAPH ?g { ?e <urn:hud:hmis:owl#PersonalID> ?p . ?x <urn:hud:hmis:owl#EnrollmentID> ?eid . ?x a <urn:hud:hmis:owl#Exit> . ?e a <urn:hud:hmis:owl#Enrollment> . ?e <urn:hud:hmis:owl#EnrollmentID> ?eid } }`,
);
console.log('join ms', performance.now() - t0, r[0].get('c').value);
t0 = performance.now();
const d = st.dump({ format: 'application/n-quads' });
console.log('dump ms', performance.now() - t0, d.length / 1e6);
