/**
 * A bounded set of recently committed transaction ids (per container), used
 * to drop producer duplicates across batches. Insertion-ordered Map: the
 * oldest id is evicted first. Capacity 0 disables it.
 */
import { makeRoom } from "./containerCache";

export class RecentIds {
  private readonly ids = new Map<string, true>();

  public constructor(public readonly capacity: number) {}

  public has(id: string): boolean {
    return this.ids.has(id);
  }

  public add(id: string): void {
    if (this.capacity <= 0) return;
    if (this.ids.has(id)) this.ids.delete(id);
    else makeRoom(this.ids, this.capacity);
    this.ids.set(id, true);
  }

  public get size(): number {
    return this.ids.size;
  }
}
