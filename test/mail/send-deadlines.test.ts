import { expect } from 'chai';
import { SendDeadlineExceeded, SendDeadlines } from '../../src/mail/send-deadlines.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('send deadlines (one timer for every mail of a transport)', function () {
  it('when a send outlasts its deadline, then its listeners are called once with the deadline as reason, a removed listener is not, and later deadlines wait', async function () {
    const deadlines = new SendDeadlines(60);
    const first = deadlines.start();
    await sleep(30);
    const second = deadlines.start();
    const calls: string[] = [];
    first.addEventListener('abort', () => calls.push('first'));
    const removed = (): void => {
      calls.push('removed');
    };
    first.addEventListener('abort', removed);
    first.removeEventListener('abort', removed);
    second.addEventListener('abort', () => calls.push('second'));

    await sleep(45);
    expect(first.aborted).to.equal(true);
    expect(first.reason).to.be.instanceOf(SendDeadlineExceeded);
    expect((first.reason as Error).message).to.contain('60 ms');
    expect(second.aborted).to.equal(false);
    expect(calls).to.deep.equal(['first']);

    await sleep(40);
    expect(second.aborted).to.equal(true);
    expect(calls).to.deep.equal(['first', 'second']);
    expect(deadlines.size).to.equal(0);
  });

  it('when sends settle before their deadlines, then none is aborted and the queue empties even if they settle out of order', async function () {
    const deadlines = new SendDeadlines(40);
    const all = [deadlines.start(), deadlines.start(), deadlines.start()];
    let aborts = 0;
    for (const deadline of all) deadline.addEventListener('abort', () => (aborts += 1));

    deadlines.settle(all[1]!);
    expect(deadlines.size, 'an older send is still in flight').to.equal(3);
    deadlines.settle(all[0]!);
    expect(deadlines.size).to.equal(1);
    deadlines.settle(all[2]!);
    expect(deadlines.size).to.equal(0);

    await sleep(70);
    expect(aborts).to.equal(0);
    expect(all.map((deadline) => deadline.aborted)).to.deep.equal([false, false, false]);
  });

  it('when thousands of sends come and go, then only the ones in flight are held', function () {
    const deadlines = new SendDeadlines(60_000);
    const inFlight = [];
    for (let i = 0; i < 5000; i += 1) {
      inFlight.push(deadlines.start());
      if (inFlight.length > 5) deadlines.settle(inFlight.shift()!);
    }
    expect(deadlines.size).to.equal(5);
    for (const deadline of inFlight) deadlines.settle(deadline);
    expect(deadlines.size).to.equal(0);
  });
});
