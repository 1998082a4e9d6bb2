/**
 * Writes the ontology files derived from the FY2026 model into `ontology/` (see ontology/README.md).
 * Run: `npm run generate` (or `npx tsx scripts/generate-ontology.ts [outDir]`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { generateOntologyFiles } from '../src/ontology/index.ts';

const outDir = path.resolve(process.argv[2] ?? 'ontology');
fs.mkdirSync(outDir, { recursive: true });
for (const [name, content] of Object.entries(generateOntologyFiles())) {
  fs.writeFileSync(path.join(outDir, name), content);
  console.log(`wrote ${path.join(outDir, name)} (${content.length} characters)`);
}
