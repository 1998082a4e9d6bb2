/**
 * Name matching for client search (search.ts), in its own layer: folding, the edit distance, and
 * the source's name index (ColumnIndex) from which a search reads the stored spellings to look up.
 *
 * A query name and a stored one match, both folded (case, accents and all but letters and digits
 * set aside): equal 1, a prefix 0.9, one edit 0.7, two edits 0.5, where two edits count only for
 * query names of five letters or more. Edits (insertions, deletions, substitutions, swaps of
 * adjacent letters) count to the stored name or to its prefix of the query's length, so "Jhon"
 * finds John and "Cariwa" finds Caraway.
 *
 * A name finds the clients whose name matches and has its initial: the index gives the spellings of
 * every such name and the store looks exactly those up, so a typo in the initial is found only
 * through another criterion, and the store never scans every name (it did: 13–16 ms of a 20 ms
 * search on HUD's sample). Only past MAX_SPELLING_CHARS of spellings does the store scan, for the
 * names that begin with one of the stored first characters of that initial (initialsNear).
 */
import type { ColumnIndex } from '../../store/column-index.ts';
import type { SourceState } from '../../store/record-state.ts';

/** Lower case, accents and everything but letters and digits removed. */
export const normalizeName = (name: string): string =>
  name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');

// Three rows of the edit-distance table, reused by every call (names are at most 50 characters).
let twoAbove = new Int32Array(64);
let above = new Int32Array(64);
let current = new Int32Array(64);

/**
 * The edit distance from `q` to `n` or to `n`'s prefix of `q`'s length, whichever is less, or
 * `max + 1` as soon as both must exceed `max`. Edits are insertions, deletions, substitutions and
 * swaps of two adjacent letters (optimal string alignment), since a swap is the commonest typo:
 * "Jhon" is one edit from John. One pass: the prefix's distance is the table's column `q.length`,
 * and columns past `q.length + max` cannot bring either within `max`. A row past `max` ends it: a
 * swap reaches back two rows, but through a cell of the row between that is as near.
 */
export function nameDistance(q: string, n: string, max: number): number {
  const columns = Math.min(n.length, q.length + max);
  if (above.length <= columns) {
    twoAbove = new Int32Array(columns * 2);
    above = new Int32Array(columns * 2);
    current = new Int32Array(columns * 2);
  }
  for (let j = 0; j <= columns; j++) above[j] = j;
  for (let i = 1; i <= q.length; i++) {
    current[0] = i;
    let best = i;
    for (let j = 1; j <= columns; j++) {
      const same = q[i - 1] === n[j - 1];
      let value = Math.min(
        (above[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (above[j - 1] as number) + (same ? 0 : 1),
      );
      if (!same && i > 1 && j > 1 && q[i - 1] === n[j - 2] && q[i - 2] === n[j - 1])
        value = Math.min(value, (twoAbove[j - 2] as number) + 1);
      current[j] = value;
      if (value < best) best = value;
    }
    if (best > max) return max + 1;
    [twoAbove, above, current] = [above, current, twoAbove];
  }
  const whole = n.length <= columns ? (above[n.length] as number) : max + 1;
  const prefix = above[Math.min(q.length, n.length)] as number;
  return Math.min(whole, prefix, max + 1);
}

/** How well a query name matches a stored one, both folded (see the module comment). */
function foldedNameMatch(q: string, n: string): number {
  if (!q || !n) return 0;
  if (q === n) return 1;
  if (n.startsWith(q)) return 0.9;
  const max = q.length >= 5 ? 2 : 1;
  const distance = nameDistance(q, n, max);
  // nameDistance answers max + 1 past max: for a short name that is 2, which is no match.
  return distance > max ? 0 : distance === 1 ? 0.7 : 0.5;
}

/**
 * A name as searched for: folded once, its match with each folded stored name computed once per
 * search, by the index lookup (spellingsNear) or by scoring, whichever comes first. The name index
 * holds every stored spelling folded, so scoring a candidate folds nothing again.
 */
export class NameQuery {
  readonly folded: string;
  /** Folded stored name → match. */
  private readonly known = new Map<string, number>();

  /** `index`: the name column's index (spellingIndex), whose folded spellings spare folding again. */
  constructor(
    query: string,
    private readonly index?: ColumnIndex,
  ) {
    this.folded = normalizeName(query);
  }

  /** How well a stored name, as written in its row, matches, in [0, 1] (see the module comment). */
  match(stored: string): number {
    return this.matchFolded(this.index?.keyFor(stored) ?? normalizeName(stored));
  }

  /** How well a folded stored name matches. */
  matchFolded(folded: string): number {
    let match = this.known.get(folded);
    if (match === undefined) {
      match = foldedNameMatch(this.folded, folded);
      this.known.set(folded, match);
    }
    return match;
  }
}

/** The stored spellings of each folded first or last name of a source's clients (see ColumnIndex). */
export const spellingIndex = (state: SourceState, field: 'FirstName' | 'LastName'): ColumnIndex =>
  state.columnIndex('Client', field, normalizeName);

/**
 * Past this many characters of spellings a search scans the name column for the initial instead
 * (about 1,200 names of the sample's length): a larger VALUES block would cost the store more than
 * the scan, and a search's two names stay inside the engine's 100 KB query limit even at three
 * UTF-8 bytes a character.
 */
export const MAX_SPELLING_CHARS = 12_000;

/**
 * The stored spellings of every name that matches `name` and has its initial, or undefined when
 * together they are longer than `maxChars` (see MAX_SPELLING_CHARS).
 */
export function spellingsNear(
  index: ColumnIndex,
  name: NameQuery,
  maxChars = MAX_SPELLING_CHARS,
): string[] | undefined {
  const spellings: string[] = [];
  let chars = 0;
  for (const [folded, values] of index.withInitial(name.folded.slice(0, 1))) {
    if (name.matchFolded(folded) === 0) continue;
    for (const value of values.keys()) {
      spellings.push(value);
      chars += value.length;
    }
    if (chars > maxChars) return undefined;
  }
  return spellings;
}

/**
 * The first characters (code points, as SPARQL's SUBSTR counts) of every stored spelling whose
 * folded name has `name`'s initial: "É" and "e" as well as "E" for a name folded to begin with "e".
 * A scan for names beginning with one of them finds every client a search by `name` can match,
 * when there are too many spellings to look up one by one (spellingsNear gave undefined).
 */
export function initialsNear(index: ColumnIndex, name: NameQuery): string[] {
  const initials = new Set<string>();
  for (const values of index.withInitial(name.folded.slice(0, 1)).values())
    for (const value of values.keys()) initials.add(String.fromCodePoint(value.codePointAt(0) as number));
  return [...initials];
}
