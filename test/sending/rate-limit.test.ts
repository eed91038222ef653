// Issue 14, point 1: the send-rate limit (SEND_RATE) in one process: its setting, the spacing of the slots two
// limiters share through PostgreSQL, and the attempt's `throttled` mark. Across processes: rate-limit-processes.test.ts.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';
import { createRateLimiter, slotHooks, type RateLimiter, type RateSlot } from '../../src/sending/rate-limit.js';
import { runMailing } from '../../src/sending/run-mailing.js';
import { useTestDatabase } from '../helpers/database.js';
import { mailingTo, testEngine, testTransport } from '../helpers/mailing-fixtures.js';
import { sharedSmtpTestServer, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import { mostInAnyWindow } from '../helpers/run-checks.js';

describe('send-rate limit (one process)', function () {
  this.timeout(30_000);
  const db = useTestDatabase();
  let smtp: SmtpTestServer;

  before(async () => {
    smtp = await sharedSmtpTestServer();
  });
  afterEach(() => smtp.reset());

  it('when SEND_RATE is "14/s", "500/h", "10000/d" or unset, then the setting is that many mails per period, or unlimited', () => {
    expect(loadConfig({ SEND_RATE: '14/s' }).sendRate).to.include({ count: 14, periodMs: 1000 });
    expect(loadConfig({ SEND_RATE: '500/h' }).sendRate).to.include({ count: 500, periodMs: 3_600_000 });
    expect(loadConfig({ SEND_RATE: '10000/d' }).sendRate).to.include({ count: 10_000, periodMs: 86_400_000 });
    expect(loadConfig({}).sendRate).to.equal(undefined);
    expect(loadConfig({ SEND_RATE: ' ' }).sendRate).to.equal(undefined);
  });

  for (const bad of ['14', 'fast', '0/s', '14/w', '-3/s', '14 per second']) {
    it(`when SEND_RATE is "${bad}", then loading the settings fails with a message naming SEND_RATE and the expected form`, () => {
      let caught: unknown;
      try {
        loadConfig({ SEND_RATE: bad });
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(ConfigError);
      expect((caught as Error).message).to.contain('SEND_RATE').and.to.contain('"14/s"');
    });
  }

  it('when two limiters on one database take 120 slots at 50/s, then no 1-second window holds more than 51 and all 120 take 2.3 to 2.9 s', async () => {
    const rate = { count: 50, periodMs: 1000, text: '50/s' };
    const a = createRateLimiter(db().sequelize, rate, 'test-two-limiters');
    const b = createRateLimiter(db().sequelize, rate, 'test-two-limiters');
    const times: number[] = [];
    const lane = async (limiter: typeof a, n: number): Promise<void> => {
      for (let i = 0; i < n; i += 1) {
        await limiter.take();
        times.push(performance.now());
      }
    };
    const started = performance.now();
    await Promise.all([lane(a, 30), lane(a, 30), lane(b, 30), lane(b, 30)]);
    const elapsed = performance.now() - started;
    times.sort((x, y) => x - y);
    let most = 0;
    for (let i = 0, j = 0; i < times.length; i += 1) {
      while (times[j]! < times[i]! - 1000) j += 1;
      most = Math.max(most, i - j + 1);
    }
    expect(most).to.be.at.most(51);
    // 120 slots at 20 ms: 2.38 s at least; the chunks of the two limiters leave no long gap
    expect(elapsed).to.be.within(2_300, 2_900);
  });

  it('when one owner has 20 mails waiting for slots and another owner then asks for 2, then the second owner gets 2 of the next 4 slots (round-robin by owner, not first come first served)', async () => {
    const limiter = createRateLimiter(db().sequelize, { count: 100, periodMs: 1000, text: '100/s' }, 'test-round-robin');
    const order: string[] = [];
    const takes: Array<Promise<void>> = [];
    for (let i = 0; i < 20; i += 1) takes.push(limiter.take('big').then(() => void order.push('big')));
    // the big owner's queue is served for a while before the small owner arrives
    while (order.length < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    const joinedAt = order.length;
    for (let i = 0; i < 2; i += 1) takes.push(limiter.take('small').then(() => void order.push('small')));
    await Promise.all(takes);
    const next4 = order.slice(joinedAt, joinedAt + 4);
    expect(next4.filter((who) => who === 'small'), order.join(' ')).to.have.length(2);
    expect(order).to.have.length(22);
  });

  it('when the process stalls for 300 ms while three lanes wait for slots at 50/s, then the slots that went by more than the tolerance are not spent: after the stall at most the slots of the last 20 ms start together, and no 1-second window holds more than 51', async () => {
    const limiter = createRateLimiter(db().sequelize, { count: 50, periodMs: 1000, text: '50/s' }, 'test-stall');
    expect(limiter.toleranceMs).to.equal(20);
    const times: number[] = [];
    let stallEnd = 0;
    const lane = async (): Promise<void> => {
      for (let i = 0; i < 20; i += 1) {
        await limiter.take();
        times.push(performance.now());
        if (times.length === 5 && stallEnd === 0) {
          // a long synchronous stretch (a big GC, a starved CPU): every timer due meanwhile fires late
          stallEnd = performance.now() + 300;
          while (performance.now() < stallEnd);
        }
      }
    };
    const started = performance.now();
    await Promise.all([lane(), lane(), lane()]);
    const elapsed = performance.now() - started;
    times.sort((a, b) => a - b);
    // slots are 20.7 ms apart: 20 ms of tolerance holds 1 of them, the next one may be due already, and one more
    // may come within the 5 ms looked at
    const burst = times.filter((t) => t >= stallEnd && t < stallEnd + 5).length;
    expect(burst, times.map((t) => (t - started).toFixed(1)).join(' ')).to.be.at.most(3);
    expect(mostInAnyWindow(times, 1000)).to.be.at.most(51);
    expect(times).to.have.length(60);
    // the ~14 slots that went by during the stall were dropped, not saved up: 60 slots take longer than 59 intervals
    expect(elapsed).to.be.at.least(59 * 20.7 + 200);
  });

  /** The limiter, recording every slot it hands out and when. */
  function recording(limiter: RateLimiter): { limiter: RateLimiter; handed: Array<RateSlot & { handedAt: number }> } {
    const handed: Array<RateSlot & { handedAt: number }> = [];
    return {
      handed,
      limiter: {
        ...limiter,
        take: async (owner, options) => {
          const slot = await limiter.take(owner, options);
          handed.push({ ...slot, handedAt: Date.now() });
          return slot;
        },
      },
    };
  }

  it('when each SMTP conversation takes 40 ms, then after a few mails the slots are handed out about that far ahead of their time and beforeData holds every message until its slot\'s time', async () => {
    const { limiter, handed } = recording(createRateLimiter(db().sequelize, { count: 50, periodMs: 1000, text: '50/s' }, 'test-lead'));
    const released: Array<{ at: number; releasedAt: number }> = [];
    for (let i = 0; i < 24; i += 1) {
      const hooks = slotHooks(limiter);
      await hooks.beforeStart();
      await new Promise((resolve) => setTimeout(resolve, 40)); // MAIL, RCPT, DATA
      await hooks.beforeData();
      released.push({ at: handed[handed.length - 1]!.at, releasedAt: Date.now() });
    }
    for (const { at, releasedAt } of released) expect(releasedAt, 'a message released before its slot').to.be.at.least(Math.floor(at));
    const aheadOfLast = handed.slice(-8).map((slot) => slot.at - slot.handedAt).sort((a, b) => a - b);
    expect(aheadOfLast[4]!, aheadOfLast.map((a) => a.toFixed(1)).join(' ')).to.be.at.least(30);
  });

  it('when a conversation outlasts its slot by more than the tolerance, then beforeData takes another slot first in the queue and the message goes at that slot, not late', async () => {
    const { limiter, handed } = recording(createRateLimiter(db().sequelize, { count: 50, periodMs: 1000, text: '50/s' }, 'test-retake'));
    const hooks = slotHooks(limiter);
    await hooks.beforeStart();
    // a new connection's slow greeting
    await new Promise((resolve) => setTimeout(resolve, 120));
    // meanwhile another owner's mails queue for slots: the mail holding a connection goes before them
    const others = [limiter.take('other'), limiter.take('other')];
    await hooks.beforeData();
    const releasedAt = Date.now();
    await Promise.all(others);
    expect(handed).to.have.length(4);
    const [stale, retaken] = handed;
    expect(releasedAt - stale!.at, 'the first slot was too old to spend').to.be.above(limiter.toleranceMs);
    expect(retaken!.at).to.be.above(stale!.at);
    expect(releasedAt).to.be.at.least(Math.floor(retaken!.at));
    expect(releasedAt - retaken!.at).to.be.at.most(limiter.toleranceMs);
  });

  it('when the limit is the bottleneck of a run, then the attempt is marked throttled; when it is not, then it is not', async () => {
    const transport = testTransport(smtp.url, 3);
    try {
      const slow = await mailingTo(db(), 30);
      const limited = createRateLimiter(db().sequelize, { count: 20, periodMs: 1000, text: '20/s' }, 'test-throttled');
      const began = Date.now();
      const outcome = await runMailing(testEngine(db(), transport, { rateLimit: limited }), slow.mailing.id, { scheduledFor: new Date(), trigger: 'cli' });
      expect(outcome, JSON.stringify(outcome)).to.include({ kind: 'done', status: 'success', sent: 30 });
      expect(Date.now() - began).to.be.at.least(1_400); // 30 mails at 20/s
      const fast = await mailingTo(db(), 3);
      const roomy = createRateLimiter(db().sequelize, { count: 1000, periodMs: 1000, text: '1000/s' }, 'test-not-throttled');
      const second = await runMailing(testEngine(db(), transport, { rateLimit: roomy, concurrency: 1 }), fast.mailing.id, { scheduledFor: new Date(), trigger: 'cli' });
      expect(second).to.include({ kind: 'done', status: 'success', sent: 3 });
      const rows = await db().sequelize.query<{ mailing_id: number; throttled: boolean }>('SELECT mailing_id, throttled FROM attempts ORDER BY id', {
        type: QueryTypes.SELECT,
      });
      expect(rows).to.deep.equal([
        { mailing_id: slow.mailing.id, throttled: true },
        { mailing_id: fast.mailing.id, throttled: false },
      ]);
    } finally {
      await transport.close();
    }
  });
});
