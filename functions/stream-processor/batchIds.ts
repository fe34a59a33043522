/**
 * The transaction ids one batch has seen, for de-duplication within it: an open-addressing table keyed by the
 * ids' FNV-1a, which the scanner computes as it reads them. A Set hashed every new id string again and grew
 * five times over a 10,000-record batch (measured: about a tenth of the parse bound); this table is sized for
 * the batch once. Ids are compared with === when their hashes match.
 */
export class BatchIds {
  private readonly ids: string[] = [];
  private readonly hashes: number[] = [];
  private readonly slots: Int32Array;
  private readonly shift: number;

  /** Room for `capacity` ids (the batch's records): the table is at least twice as large, so probes stay short. */
  public constructor(capacity: number) {
    const bits = Math.max(4, Math.ceil(Math.log2(Math.max(1, capacity) * 2 + 1)));
    this.slots = new Int32Array(1 << bits).fill(-1);
    this.shift = 32 - bits;
  }

  /** Adds `id` (whose FNV-1a is `hash`); false when the batch had it already. */
  public add(id: string, hash: number): boolean {
    const slots = this.slots;
    const mask = slots.length - 1;
    let s = Math.imul(hash, 0x9e3779b1) >>> this.shift;
    for (let i = slots[s]; i >= 0; s = (s + 1) & mask, i = slots[s]) {
      if (this.hashes[i] === hash && this.ids[i] === id) return false;
    }
    if (this.ids.length * 2 >= slots.length) throw new Error(`BatchIds holds at most ${slots.length / 2} ids`);
    slots[s] = this.ids.length;
    this.ids.push(id);
    this.hashes.push(hash);
    return true;
  }

  public get size(): number {
    return this.ids.length;
  }
}
