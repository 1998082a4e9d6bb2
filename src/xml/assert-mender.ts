/**
 * The export's own secondary validation. Before a record goes out, the `xs:assert` rules of its
 * type are evaluated (with the validator's XPath evaluator) over the children about to be
 * written. FY2026 data breaks some of them (FY2026 asks IndefiniteAndImpairs whatever the
 * DisabilityResponse; FY2022 allows it only after a yes). A broken rule is mended by one change
 * to an element the rule names, the first of these that works, the last named element first:
 * an absent element the rule asks for gets its list's "data not collected" (99); an optional
 * element is left out; a required one takes 99. A change is kept only when the rule then holds
 * and every rule that held still does. What cannot be mended so is written as it is (and the
 * validator reports it). Keys and other free-text elements have no 99, so only an optional one
 * can be left out, and only when that mends the rule.
 *
 * Export-level rules about each record of a kind (`every $inventory in hmis:Inventory satisfies
 * …`, e.g. CHBedInventory only for PSH projects) are mended the same way, evaluated over an
 * Export holding this record and the earlier records the rule names (the Projects). Rules across
 * many records (every Project has a Funder) are not the export's to mend: no element of one
 * record can meet them. Those of the form `every $id in hmis:P/hmis:K satisfies
 * (fn:count(hmis:R[hmis:K = $id]) ge n)` are counted as records go out, and the Export's
 * records that break one are named (`endExport`), so the export can say what its file lacks.
 */
import type { CompiledSchema, ElementDecl } from './schema/types.ts';
import { type CompiledXPath, compileXPath, type XNode } from './xpath.ts';

/** One child element as the export will write it. */
export interface Piece {
  readonly decl: ElementDecl;
  readonly text: string;
  readonly xsiType?: string;
  readonly hashStatus?: string;
}

/** An element's "data not collected" piece for this record, or undefined where it has none. */
export type NotCollected = (decl: ElementDecl) => Piece | undefined;

interface Rule {
  readonly xpath: CompiledXPath;
  /** Evaluated over an Export holding the record (and earlier records it names), not the record. */
  readonly exportLevel: boolean;
}

interface Rules {
  readonly asserts: readonly Rule[];
  /** Element and attribute names the rules mention: the tree holds only these. */
  readonly names: ReadonlySet<string>;
}

export interface Mended {
  readonly pieces: readonly Piece[];
  /** The elements changed (left out, added or set to 99), one entry per change. */
  readonly changed: readonly string[];
}

const NO_ATTRIBUTES: ReadonlyMap<string, string> = new Map();

const EACH_RECORD = /^\s*every\s+\$\w+\s+in\s+hmis:(\w+)\s+satisfies/;
const COUNT_PER_KEY =
  /^\s*every\s+\$(\w+)\s+in\s+hmis:(\w+)\/hmis:(\w+)\s+satisfies\s+\(fn:count\(hmis:(\w+)\[hmis:(\w+)\s*=\s*\$\1\]\)\s+(ge|le|eq)\s+(\d+)\)\s*$/;

/** `every $id in hmis:P/hmis:K satisfies (fn:count(hmis:R[hmis:F = $id]) op n)`, and its tally. */
interface CountRule {
  readonly parent: string;
  readonly key: string;
  readonly child: string;
  readonly field: string;
  readonly op: string;
  readonly n: number;
  readonly keys: string[];
  readonly counts: Map<string, number>;
}

const OP_WORDS: Readonly<Record<string, string>> = { ge: 'at least', le: 'at most', eq: 'exactly' };

export class AssertMender {
  private readonly rules = new Map<string, Rules | null>();
  /** Export-level rules about each record of a kind, by record element. */
  private readonly perRecord = new Map<string, CompiledXPath[]>();
  /** Records those rules name besides their own kind (Project), as written in this Export. */
  private readonly context = new Map<string, XNode[]>();
  private readonly contextNames = new Set<string>();
  private readonly countRules: CountRule[] = [];

  constructor(
    private readonly schema: CompiledSchema,
    exportType: string,
  ) {
    for (const test of schema.complexTypes[exportType]?.asserts ?? []) {
      const element = EACH_RECORD.exec(test)?.[1];
      const xpath = element ? compileXPath(test) : undefined;
      if (!element || !xpath || xpath.alwaysTrue) continue;
      this.perRecord.set(element, [...(this.perRecord.get(element) ?? []), xpath]);
      for (const name of xpath.names) if (name !== element) this.contextNames.add(name);
    }
    for (const name of this.contextNames) this.context.set(name, []);
    for (const test of schema.complexTypes[exportType]?.asserts ?? []) {
      const m = COUNT_PER_KEY.exec(test);
      if (!m || (m[6] === 'ge' && m[7] === '0')) continue;
      const [, , parent = '', key = '', child = '', field = '', op = '', n = ''] = m;
      this.countRules.push({ parent, key, child, field, op, n: Number(n), keys: [], counts: new Map() });
    }
  }

  /** A record kept verbatim from an import of the same version (v6.1.2's CoC): tallied too. */
  writtenRaw(xml: string): void {
    const element = /^<(?:[\w.-]+:)?([\w.-]+)[\s>]/.exec(xml)?.[1];
    for (const rule of this.countRules) {
      if (element !== rule.parent && element !== rule.child) continue;
      const name = element === rule.parent ? rule.key : rule.field;
      const text = new RegExp(`<(?:[\\w.-]+:)?${name}>([^<]*)</`).exec(xml)?.[1];
      if (text === undefined) continue;
      const value = unescapeText(text);
      if (element === rule.parent) rule.keys.push(value);
      else rule.counts.set(value, (rule.counts.get(value) ?? 0) + 1);
    }
  }

  /** The Export's records that break a count rule (e.g. a Project with no Funder), one line per rule. */
  endExport(): string[] {
    const unmet: string[] = [];
    for (const rule of this.countRules) {
      const breaking = rule.keys.filter((k) => {
        const count = rule.counts.get(k) ?? 0;
        return rule.op === 'ge' ? count < rule.n : rule.op === 'le' ? count > rule.n : count !== rule.n;
      });
      if (breaking.length === 0) continue;
      const shown =
        breaking.slice(0, 3).join(', ') + (breaking.length > 3 ? ` and ${breaking.length - 3} more` : '');
      unmet.push(
        `${rule.parent} ${shown}: ${this.schema.version} asks for ${OP_WORDS[rule.op]} ${rule.n} <${rule.child}> per ${rule.parent} (xs:assert)`,
      );
    }
    return unmet;
  }

  /** Export-level rules hold within one Export: records of an earlier one are no context. */
  startExport(): void {
    for (const list of this.context.values()) list.length = 0;
    for (const rule of this.countRules) {
      rule.keys.length = 0;
      rule.counts.clear();
    }
  }

  /** Keeps a written record the per-record rules of later ones read (only the names they use). */
  written(element: string, pieces: readonly Piece[]): void {
    this.context.get(element)?.push(tree(element, pieces, this.contextNames));
    for (const rule of this.countRules) {
      if (element === rule.parent) {
        const key = pieces.find((p) => p.decl.name === rule.key)?.text;
        if (key !== undefined) rule.keys.push(key);
      }
      if (element === rule.child) {
        const value = pieces.find((p) => p.decl.name === rule.field)?.text;
        if (value !== undefined) rule.counts.set(value, (rule.counts.get(value) ?? 0) + 1);
      }
    }
  }

  mend(
    element: string,
    typeName: string,
    children: readonly ElementDecl[],
    pieces: readonly Piece[],
    notCollected: NotCollected,
  ): Mended {
    const rules = this.rulesOf(element, typeName);
    if (!rules) return { pieces, changed: [] };
    if (rules.asserts.some((r) => r.exportLevel))
      return this.search(rules, element, children, pieces, notCollected);
    // The outcome depends only on the named elements and their 99s: codes repeat, so it is
    // looked up (evaluating the rules costs far more than writing the record).
    const named = this.namedDecls(rules, children);
    let key = `${element}\u0000${typeName}`;
    for (const p of pieces)
      if (rules.names.has(p.decl.name))
        key += `\u0001${p.decl.name}\u0002${p.text}\u0002${p.xsiType ?? ''}\u0002${p.hashStatus ?? ''}`;
    for (const decl of named) {
      const made = notCollected(decl);
      key += made ? `\u0003${made.text}\u0002${made.xsiType ?? ''}` : '\u0003';
    }
    let outcome = this.outcomes.get(key);
    if (!outcome) {
      const mended = this.search(rules, element, children, pieces, notCollected);
      outcome = { named: mended.pieces.filter((p) => rules.names.has(p.decl.name)), changed: mended.changed };
      if (this.outcomes.size < 50_000) this.outcomes.set(key, outcome);
      if (outcome.changed.length === 0) return { pieces, changed: [] };
      return mended;
    }
    if (outcome.changed.length === 0) return { pieces, changed: [] };
    const index = this.indexOf(children);
    const result = [...pieces.filter((p) => !rules.names.has(p.decl.name)), ...outcome.named].sort(
      (a, b) => (index.get(a.decl) ?? 0) - (index.get(b.decl) ?? 0),
    );
    return { pieces: result, changed: outcome.changed };
  }

  private readonly outcomes = new Map<string, { named: readonly Piece[]; changed: readonly string[] }>();
  private readonly named = new WeakMap<readonly ElementDecl[], Map<Rules, ElementDecl[]>>();
  private readonly indexes = new WeakMap<readonly ElementDecl[], Map<ElementDecl, number>>();

  private namedDecls(rules: Rules, children: readonly ElementDecl[]): ElementDecl[] {
    const byRules = this.named.get(children) ?? new Map<Rules, ElementDecl[]>();
    this.named.set(children, byRules);
    const list = byRules.get(rules) ?? children.filter((d) => rules.names.has(d.name));
    byRules.set(rules, list);
    return list;
  }

  private indexOf(children: readonly ElementDecl[]): Map<ElementDecl, number> {
    const index = this.indexes.get(children) ?? new Map(children.map((d, i) => [d, i]));
    this.indexes.set(children, index);
    return index;
  }

  /** Tries the changes for each broken rule in turn (see the module comment). */
  private search(
    rules: Rules,
    element: string,
    children: readonly ElementDecl[],
    pieces: readonly Piece[],
    notCollected: NotCollected,
  ): Mended {
    const evaluateAll = (list: readonly Piece[]) => this.evaluateAll(rules, element, list);
    let holding = evaluateAll(pieces);
    if (holding.every(Boolean)) return { pieces, changed: [] };
    let current = pieces;
    const changed: string[] = [];
    rules.asserts.forEach((rule, i) => {
      if (holding[i]) return;
      for (const change of changes(rule.xpath, children, current, notCollected)) {
        const next = evaluateAll(change.pieces);
        if (!next[i] || holding.some((held, j) => held && !next[j])) continue;
        current = change.pieces;
        holding = next;
        changed.push(...change.names);
        return;
      }
    });
    return { pieces: current, changed };
  }

  private rulesOf(element: string, typeName: string): Rules | null {
    const key = `${element}\u0000${typeName}`;
    let rules = this.rules.get(key);
    if (rules === undefined) {
      const asserts: Rule[] = [
        ...(this.schema.complexTypes[typeName]?.asserts ?? [])
          .map(compileXPath)
          .filter((a) => !a.alwaysTrue)
          .map((xpath) => ({ xpath, exportLevel: false })),
        ...(this.perRecord.get(element) ?? []).map((xpath) => ({ xpath, exportLevel: true })),
      ];
      const names = new Set(asserts.flatMap((a) => [...a.xpath.names]));
      rules = asserts.length === 0 ? null : { asserts, names };
      this.rules.set(key, rules);
    }
    return rules;
  }

  private evaluateAll(rules: Rules, element: string, pieces: readonly Piece[]): boolean[] {
    // Fresh trees each time: the evaluator caches per node.
    const record = tree(element, pieces, rules.names);
    let exportRoot: XNode | undefined;
    return rules.asserts.map((rule) => {
      if (!rule.exportLevel) return holds(rule.xpath, record);
      exportRoot ??= this.exportTree(element, pieces, rules.names);
      return holds(rule.xpath, exportRoot);
    });
  }

  /** An Export holding the earlier context records and this record. */
  private exportTree(element: string, pieces: readonly Piece[], names: ReadonlySet<string>): XNode {
    const root: XNode = { local: 'Export', attributes: NO_ATTRIBUTES, text: '', children: [] };
    for (const list of this.context.values()) for (const node of list) root.children.push(node);
    root.children.push(tree(element, pieces, names, root));
    return root;
  }
}

function holds(rule: CompiledXPath, root: XNode): boolean {
  try {
    return rule.evaluate(root);
  } catch {
    return true; // not this module's to judge: the validator reports a rule it cannot evaluate
  }
}

/** The record as the validator would see it: its children named by the rules, as leaves. */
function tree(element: string, pieces: readonly Piece[], names: ReadonlySet<string>, parent?: XNode): XNode {
  const root: XNode = { local: element, attributes: NO_ATTRIBUTES, text: '', children: [], parent };
  for (const piece of pieces) {
    if (!names.has(piece.decl.name)) continue;
    const attributes = new Map<string, string>();
    if (piece.xsiType) attributes.set('type', `hmis:${piece.xsiType}`);
    if (piece.hashStatus) attributes.set('hashStatus', piece.hashStatus);
    root.children.push({
      local: piece.decl.name,
      attributes: attributes.size === 0 ? NO_ATTRIBUTES : attributes,
      text: piece.text.trim(),
      children: [],
      parent: root,
    });
  }
  return root;
}

interface Change {
  readonly pieces: readonly Piece[];
  readonly names: readonly string[];
}

/** The changes to try for a broken rule, least destructive first, the last named element first. */
function* changes(
  rule: CompiledXPath,
  children: readonly ElementDecl[],
  pieces: readonly Piece[],
  notCollected: NotCollected,
): Generator<Change> {
  const named = [...rule.names]
    .reverse()
    .flatMap((name) => children.filter((d) => d.name === name))
    .filter((decl, i, all) => all.indexOf(decl) === i);
  const present = (decl: ElementDecl) => pieces.some((p) => p.decl === decl);
  const order = (list: Piece[]) => list.sort((a, b) => children.indexOf(a.decl) - children.indexOf(b.decl));
  for (const decl of named.filter((d) => !present(d))) {
    const added = notCollected(decl);
    if (added) yield { pieces: order([...pieces, added]), names: [decl.name] };
  }
  for (const decl of named.filter((d) => present(d) && d.min === 0))
    yield { pieces: pieces.filter((p) => p.decl !== decl), names: [decl.name] };
  for (const decl of named.filter((d) => present(d) && d.min > 0)) {
    const replaced = notCollected(decl);
    if (!replaced) continue;
    const same = pieces.some((p) => p.decl === decl && p.text === replaced.text);
    if (!same) yield { pieces: pieces.map((p) => (p.decl === decl ? replaced : p)), names: [decl.name] };
  }
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescapeText = (text: string): string =>
  text.replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => ENTITIES[name] ?? '');
