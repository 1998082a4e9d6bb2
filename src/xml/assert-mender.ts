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

interface Rules {
  readonly asserts: readonly CompiledXPath[];
  /** Element and attribute names the rules mention: the tree holds only these. */
  readonly names: ReadonlySet<string>;
}

export interface Mended {
  readonly pieces: readonly Piece[];
  /** The elements changed (left out, added or set to 99), one entry per change. */
  readonly changed: readonly string[];
}

const NO_ATTRIBUTES: ReadonlyMap<string, string> = new Map();

export class AssertMender {
  private readonly rules = new Map<string, Rules | null>();

  constructor(private readonly schema: CompiledSchema) {}

  mend(
    element: string,
    typeName: string,
    children: readonly ElementDecl[],
    pieces: readonly Piece[],
    notCollected: NotCollected,
  ): Mended {
    const rules = this.rulesOf(typeName);
    if (!rules) return { pieces, changed: [] };
    let holding = evaluateAll(rules, element, pieces);
    if (holding.every(Boolean)) return { pieces, changed: [] };
    let current = pieces;
    const changed: string[] = [];
    rules.asserts.forEach((rule, i) => {
      if (holding[i]) return;
      for (const change of changes(rule, children, current, notCollected)) {
        const next = evaluateAll(rules, element, change.pieces);
        if (!next[i] || holding.some((held, j) => held && !next[j])) continue;
        current = change.pieces;
        holding = next;
        changed.push(...change.names);
        return;
      }
    });
    return { pieces: current, changed };
  }

  private rulesOf(typeName: string): Rules | null {
    let rules = this.rules.get(typeName);
    if (rules === undefined) {
      const asserts = (this.schema.complexTypes[typeName]?.asserts ?? [])
        .map(compileXPath)
        .filter((a) => !a.alwaysTrue);
      rules = asserts.length === 0 ? null : { asserts, names: new Set(asserts.flatMap((a) => [...a.names])) };
      this.rules.set(typeName, rules);
    }
    return rules;
  }
}

function evaluateAll(rules: Rules, element: string, pieces: readonly Piece[]): boolean[] {
  // A fresh tree each time: the evaluator caches per node.
  const root = tree(element, pieces, rules.names);
  return rules.asserts.map((rule) => holds(rule, root));
}

function holds(rule: CompiledXPath, root: XNode): boolean {
  try {
    return rule.evaluate(root);
  } catch {
    return true; // not this module's to judge: the validator reports a rule it cannot evaluate
  }
}

/** The record as the validator would see it: its children named by the rules, as leaves. */
function tree(element: string, pieces: readonly Piece[], names: ReadonlySet<string>): XNode {
  const root: XNode = { local: element, attributes: NO_ATTRIBUTES, text: '', children: [] };
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
