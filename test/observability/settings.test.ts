// The operations settings of issue 14: LOG_LEVEL, METRICS_TOKEN, DELIVERY_RETENTION_DAYS, each validated with a
// message naming the variable.
import { expect } from 'chai';
import { loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';

function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

describe('the operations settings', () => {
  it('when none is set, then logs are at info, /metrics is off and deliveries are kept 180 days', () => {
    expect(loadConfig({})).to.include({ logLevel: 'info', metricsToken: undefined, deliveryRetentionDays: 180 });
  });

  it('when each is set, then it is taken (the level in any case)', () => {
    const config = loadConfig({ LOG_LEVEL: 'WARN', METRICS_TOKEN: 'a-token-of-24-characters', DELIVERY_RETENTION_DAYS: '31' });
    expect(config).to.include({ logLevel: 'warn', metricsToken: 'a-token-of-24-characters', deliveryRetentionDays: 31 });
    expect(loadConfig({ LOG_LEVEL: 'silent' }).logLevel).to.equal('silent');
  });

  it('when a value is wrong, then the start is refused with a message naming the variable and what it takes', () => {
    expect(refusal({ LOG_LEVEL: 'verbose' })).to.contain('LOG_LEVEL').and.contain('trace, debug, info, warn, error, fatal, silent');
    expect(refusal({ METRICS_TOKEN: 'short' })).to.contain('METRICS_TOKEN').and.contain('16 to 200 printable characters');
    expect(refusal({ METRICS_TOKEN: 'has a space inside it ok' })).to.contain('METRICS_TOKEN');
    expect(refusal({ DELIVERY_RETENTION_DAYS: '30' })).to.contain('DELIVERY_RETENTION_DAYS').and.contain('from 31 to 36500');
    expect(refusal({ DELIVERY_RETENTION_DAYS: 'forever' })).to.contain('DELIVERY_RETENTION_DAYS');
  });
});
