/**
 * Strings by position, found by a hash the caller already has (FNV-1a, which the byte scanner computes as it
 * reads an id): an open-addressing table of positions, at least twice as large as what it holds so probes stay
 * short, doubled when it fills. Used for a batch's transaction ids and a chunk's products, where a Map or Set
 * hashed every new string again and grew as it filled (profiled: most of the planner's time, and about a tenth
 * of the parse bound for the batch's ids). Strings are compared with === when their hashes match.
 */
export class StringTable {
  /** The strings, in the order they were added. */
  public readonly keys: string[] = [];
  private readonly hashes: number[] = [];
  private slots: Int32Array;
  private shift: number;

  /** Room for `capacity` strings before the table grows. */
  public constructor(capacity: number) {
    const bits = Math.max(4, Math.ceil(Math.log2(Math.max(1, capacity) * 2 + 1)));
    this.slots = new Int32Array(1 << bits).fill(-1);
    this.shift = 32 - bits;
  }

  public get size(): number {
    return this.keys.length;
  }

  /** The position of `key` (whose hash is `hash`), or -1. */
  public indexOf(key: string, hash: number): number {
    return this.slots[this.slotOf(key, hash)];
  }

  /** The position of `key` (whose hash is `hash`), added at the end (position `size` before the call) if new. */
  public add(key: string, hash: number): number {
    let s = this.slotOf(key, hash);
    if (this.slots[s] >= 0) return this.slots[s];
    if (this.keys.length * 2 >= this.slots.length) {
      this.grow();
      s = this.slotOf(key, hash);
    }
    this.slots[s] = this.keys.length;
    this.keys.push(key);
    this.hashes.push(hash);
    return this.keys.length - 1;
  }

  /** The slot holding `key`, or the free slot where it would go. */
  private slotOf(key: string, hash: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    // Multiplicative mixing: a caller may already have used the hash's low bits (the product's bucket).
    let s = Math.imul(hash, 0x9e3779b1) >>> this.shift;
    for (let i = slots[s]; i >= 0; s = (s + 1) & mask, i = slots[s]) {
      if (this.hashes[i] === hash && this.keys[i] === key) return s;
    }
    return s;
  }

  /** Doubles the table and re-slots every string by its kept hash. */
  private grow(): void {
    const bits = 33 - this.shift;
    const slots = new Int32Array(1 << bits).fill(-1);
    const mask = slots.length - 1;
    this.shift = 32 - bits;
    for (let i = 0; i < this.keys.length; i++) {
      let s = Math.imul(this.hashes[i], 0x9e3779b1) >>> this.shift;
      while (slots[s] >= 0) s = (s + 1) & mask;
      slots[s] = i;
    }
    this.slots = slots;
  }
}
