// Deliveries waiting for their next try, by due time (a binary min-heap): a recipient waiting for its backoff holds
// neither a connection nor a send lane, the lanes keep sending to everyone else meanwhile.

export interface Waiting<T> {
  dueAt: number;
  item: T;
}

export class RetryQueue<T> {
  private readonly heap: Array<Waiting<T>> = [];

  get size(): number {
    return this.heap.length;
  }

  /** When the earliest one is due (ms since the epoch), or undefined when none waits. */
  get nextDueAt(): number | undefined {
    return this.heap[0]?.dueAt;
  }

  push(dueAt: number, item: T): void {
    const heap = this.heap;
    heap.push({ dueAt, item });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.dueAt <= heap[i]!.dueAt) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }

  /** The earliest item if it is due at `now`, removed from the queue. */
  popDue(now: number): T | undefined {
    const heap = this.heap;
    if (heap.length === 0 || heap[0]!.dueAt > now) return undefined;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && heap[left]!.dueAt < heap[smallest]!.dueAt) smallest = left;
        if (right < heap.length && heap[right]!.dueAt < heap[smallest]!.dueAt) smallest = right;
        if (smallest === i) break;
        [heap[smallest], heap[i]] = [heap[i]!, heap[smallest]!];
        i = smallest;
      }
    }
    return top.item;
  }

  /** Empties the queue, returning what waited. */
  drain(): T[] {
    const items = this.heap.map((w) => w.item);
    this.heap.length = 0;
    return items;
  }
}
