// The due-time queue of deliveries waiting for their next try (a unit test of one module).
import { expect } from 'chai';
import { RetryQueue } from '../../src/sending/retry-queue.js';

describe('the retry queue', function () {
  it('when items are pushed out of order, then each comes out only once it is due, earliest first', function () {
    const queue = new RetryQueue<string>();
    const dues = [50, 10, 40, 10, 30, 20, 60, 0];
    dues.forEach((due, i) => queue.push(due, `item-${i}@${due}`));

    expect(queue.nextDueAt).to.equal(0);
    expect(queue.popDue(5)).to.equal('item-7@0');
    expect(queue.popDue(5), 'nothing else due at 5').to.equal(undefined);
    const out: string[] = [];
    for (let now = 10; now <= 60; now += 10) {
      for (let item = queue.popDue(now); item !== undefined; item = queue.popDue(now)) out.push(item);
    }
    expect(out.map((item) => Number(item.split('@')[1]))).to.deep.equal([10, 10, 20, 30, 40, 50, 60]);
    expect(queue.size).to.equal(0);
    expect(queue.nextDueAt).to.equal(undefined);
  });

  it('when the queue is drained, then every waiting item is returned and none is left', function () {
    const queue = new RetryQueue<number>();
    for (const due of [3, 1, 2]) queue.push(due, due);
    expect(queue.drain().sort()).to.deep.equal([1, 2, 3]);
    expect(queue.size).to.equal(0);
  });
});
