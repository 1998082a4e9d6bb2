/**
 * Checks children against a content model as they stream in. HUD's models are sequences of
 * elements and (in Export) one repeated choice of record elements, so the model flattens into
 * slots matched greedily, left to right; the XSD "unique particle attribution" rule guarantees
 * that greedy matching is exact for such models.
 */
import type { ElementDecl, Group } from './schema/types.ts';

interface Slot {
  readonly names: ReadonlyMap<string, ElementDecl>;
  readonly min: number;
  readonly max: number;
}

function slots(group: Group): Slot[] {
  if (group.kind === 'choice') {
    const names = new Map<string, ElementDecl>();
    for (const item of group.items) {
      if (item.kind !== 'element' || item.max !== 1)
        throw new Error('content models with nested groups inside a choice are not supported');
      names.set(item.name, item);
    }
    const optional = group.items.some((i) => i.kind === 'element' && i.min === 0);
    return [{ names, min: optional ? 0 : group.min, max: group.max }];
  }
  if (group.min !== 1 || group.max !== 1) throw new Error('repeated sequences are not supported');
  return group.items.flatMap((item) =>
    item.kind === 'element'
      ? [{ names: new Map([[item.name, item]]), min: item.min, max: item.max }]
      : slots(item),
  );
}

/** Each content model is flattened once, not once per element. */
const flattened = new WeakMap<Group, Slot[]>();

const names = (slot: Slot) => [...slot.names.keys()].map((n) => `<${n}>`).join(' or ');

export class ContentMatcher {
  private readonly slots: Slot[];
  private position = 0;
  private count = 0;

  constructor(group: Group) {
    let flat = flattened.get(group);
    if (!flat) {
      flat = slots(group);
      flattened.set(group, flat);
    }
    this.slots = flat;
  }

  /** True when the element could come next (without consuming it). */
  accepts(name: string): boolean {
    for (let p = this.position, c = this.count; p < this.slots.length; p++, c = 0) {
      const slot = this.slots[p] as Slot;
      if (slot.names.has(name) && (slot.max === -1 || c < slot.max)) return true;
      if (c < slot.min) return false;
    }
    return false;
  }

  accept(name: string): { decl: ElementDecl } | { expected: string } {
    while (this.position < this.slots.length) {
      const slot = this.slots[this.position] as Slot;
      const decl = slot.names.get(name);
      if (decl && (slot.max === -1 || this.count < slot.max)) {
        this.count++;
        return { decl };
      }
      if (this.count < slot.min) return { expected: `expected ${names(slot)}` };
      this.position++;
      this.count = 0;
    }
    return { expected: 'nothing more may follow' };
  }

  /** Required children that never came. */
  finish(): string[] {
    const missing: string[] = [];
    for (let p = this.position, c = this.count; p < this.slots.length; p++, c = 0) {
      const slot = this.slots[p] as Slot;
      if (c < slot.min) missing.push(names(slot));
    }
    return missing;
  }
}
