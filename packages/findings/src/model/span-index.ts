// Process span id → index in the process list, as an open-addressing hash table in typed arrays: a million-process
// run needs a million entries, which a Map<string, …> holds at several times the memory and insertion cost.
// Same semantics as Map.set/get on the ids: a repeated id maps to the process added last.

export class SpanIndex {
  /** Slot → process index + 1 (0: empty). */
  #slots: Int32Array;
  /** Slot → the id's hash (compared before the strings). */
  #hashes: Int32Array;
  #mask: number;
  #size = 0;
  readonly #idOf: (i: number) => string;

  /** `idOf(i)`: the span id of process i. */
  constructor(idOf: (i: number) => string, capacity = 1024) {
    let cap = 1024;
    while (cap < capacity * 2) cap *= 2;
    this.#slots = new Int32Array(cap);
    this.#hashes = new Int32Array(cap);
    this.#mask = cap - 1;
    this.#idOf = idOf;
  }

  /** Distinct ids. */
  get size(): number {
    return this.#size;
  }

  /** Process i has span id `id` (a repeated id now maps to i). */
  set(id: string, i: number): void {
    if ((this.#size + 1) * 2 > this.#slots.length) this.#grow();
    const h = hashOf(id);
    const s = this.#slotOf(id, h);
    if (this.#slots[s] === 0) {
      this.#hashes[s] = h;
      this.#size++;
    }
    this.#slots[s] = i + 1;
  }

  /** The index of the process with this span id, or -1. */
  get(id: string): number {
    return (this.#slots[this.#slotOf(id, hashOf(id))] as number) - 1;
  }

  /** The slot holding `id` (hash h), or the empty slot where its probe ends. */
  #slotOf(id: string, h: number): number {
    const slots = this.#slots;
    const hashes = this.#hashes;
    const mask = this.#mask;
    let s = h & mask;
    for (;;) {
      const v = slots[s] as number;
      if (v === 0 || (hashes[s] === h && this.#idOf(v - 1) === id)) return s;
      s = (s + 1) & mask;
    }
  }

  #grow(): void {
    const old = this.#slots;
    const oldHashes = this.#hashes;
    const cap = old.length * 2;
    const slots = new Int32Array(cap);
    const hashes = new Int32Array(cap);
    const mask = cap - 1;
    for (let k = 0; k < old.length; k++) {
      const v = old[k] as number;
      if (v === 0) continue;
      const h = oldHashes[k] as number;
      let s = h & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = v;
      hashes[s] = h;
    }
    this.#slots = slots;
    this.#hashes = hashes;
    this.#mask = mask;
  }
}

/** A 32-bit hash of a string (FNV-1a over its UTF-16 code units, then a final mix). */
function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < s.length; k++) h = Math.imul(h ^ s.charCodeAt(k), 0x01000193);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 13);
}
