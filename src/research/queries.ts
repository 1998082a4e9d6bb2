/** The example research queries shipped in `queries/` (one `.rq` file each), read once. */
import fs from 'node:fs';

const DIR = new URL('./queries/', import.meta.url);

export interface ResearchQuery {
  /** The file name without `.rq`, e.g. `exits-by-destination`. */
  readonly name: string;
  /** The first comment line of the file. */
  readonly title: string;
  readonly query: string;
}

function load(): ResearchQuery[] {
  return fs
    .readdirSync(DIR)
    .filter((file) => file.endsWith('.rq'))
    .sort()
    .map((file) => {
      const query = fs.readFileSync(new URL(file, DIR), 'utf8');
      const title = /^#\s*(.+)$/m.exec(query)?.[1] ?? file;
      return { name: file.slice(0, -3), title, query };
    });
}

export const RESEARCH_QUERIES: readonly ResearchQuery[] = load();

export function researchQuery(name: string): ResearchQuery {
  const found = RESEARCH_QUERIES.find((q) => q.name === name);
  if (!found) throw new Error(`no research query ${name}`);
  return found;
}
