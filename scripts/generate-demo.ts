/**
 * Writes Hearth's synthetic demo export (the default `generateDemoData()` set) as the 24 FY2026 CSV
 * files into `demo/fy2026/`, which is committed and loaded by `npm start` into an empty store.
 * The output is deterministic: rerunning it changes no file unless the generator changed.
 * Run: `npx tsx scripts/generate-demo.ts [outDir]`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDemoData } from '../src/demo/generate.ts';
import { writeCsv } from '../src/export/csv-writer.ts';
import { TABLES } from '../src/model/index.ts';

const outDir = path.resolve(process.argv[2] ?? fileURLToPath(new URL('../demo/fy2026', import.meta.url)));
fs.mkdirSync(outDir, { recursive: true });
const data = generateDemoData();
for (const spec of TABLES) {
  const rows = data.get(spec.name) ?? [];
  await writeCsv(spec, rows, fs.createWriteStream(path.join(outDir, spec.file)));
  console.log(`${spec.file.padEnd(28)} ${String(rows.length).padStart(5)} rows`);
}
console.log(`wrote ${TABLES.length} files to ${path.relative(process.cwd(), outDir) || '.'}`);
