/**
 * A Map that holds at most `max` keys, forgetting the least recently touched first: the memory cap of every
 * built-in rule's state. A rule that runs for as long as the server does must not grow with the number of
 * users or sessions it has ever seen; forgetting the quietest ones costs at worst an alert that needed their
 * history (docs/detections.md).
 *
 * Two generations rather than an exact LRU order: keys are set in the young map; when it holds half the cap
 * it becomes the old one and the previous old one is dropped whole; a key read from the old map moves to the
 * young one. A lookup is one or two Map reads, with none of the delete-and-insert an exact order costs on
 * every read (which, on the live stream, is every event).
 */
export class BoundedMap<K, V> {
  #young = new Map<K, V>();
  #old = new Map<K, V>();
  readonly #half: number;

  constructor(max: number) {
    this.#half = Math.max(1, Math.floor(max / 2));
  }

  get(key: K): V | undefined {
    const young = this.#young.get(key);
    if (young !== undefined) return young;
    const old = this.#old.get(key);
    if (old === undefined) return undefined;
    this.#old.delete(key);
    this.set(key, old);
    return old;
  }

  set(key: K, value: V): void {
    const had = this.#young.has(key);
    this.#young.set(key, value);
    if (had) return;
    this.#old.delete(key);
    if (this.#young.size >= this.#half) {
      this.#old = this.#young;
      this.#young = new Map();
    }
  }
}
