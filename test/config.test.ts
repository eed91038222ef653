import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, readEnvironment } from '../src/config.js';
import { ConfigError } from '../src/errors.js';

function failure(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected the configuration to be refused');
}

describe('the configuration', () => {
  it('when nothing is set, then the embedded defaults are used', () => {
    const config = loadConfig({});
    expect(config).to.include({ host: '127.0.0.1', port: 3000, appUrl: 'http://localhost:3000', appTimezone: 'UTC', isProduction: false, seedPassword: 'demo12345' });
    expect(config.databaseUrl).to.equal(undefined);
    expect(config.smtpUrl).to.equal(undefined);
    expect(config.mongodbUrl).to.equal(undefined);
    expect(config.dataDir).to.equal(path.resolve('.data'));
    expect(Object.isFrozen(config)).to.equal(true);
  });

  it('when every setting is given, then each is parsed', () => {
    const config = loadConfig({
      HOST: '0.0.0.0',
      PORT: '8080',
      APP_URL: 'https://mail.example.com/',
      DATABASE_URL: 'postgres://u:p@db:5432/mailing',
      MONGODB_URL: 'mongodb://mongo:27017/agenda',
      SMTP_URL: 'smtp://user:pass@smtp.example.com:587',
      MAIL_FROM: 'News <news@example.com>',
      SESSION_SECRET: 'a-long-enough-secret-value',
      DATA_DIR: '/var/lib/mailing',
      SEED_PASSWORD: 'seed-password',
      APP_TIMEZONE: 'Europe/Berlin',
    });
    expect(config).to.include({
      host: '0.0.0.0',
      port: 8080,
      appUrl: 'https://mail.example.com',
      databaseUrl: 'postgres://u:p@db:5432/mailing',
      mongodbUrl: 'mongodb://mongo:27017/agenda',
      smtpUrl: 'smtp://user:pass@smtp.example.com:587',
      mailFrom: 'News <news@example.com>',
      dataDir: '/var/lib/mailing',
      seedPassword: 'seed-password',
      appTimezone: 'Europe/Berlin',
    });
  });

  it('when SMTP_TIMEOUTS lists timeouts in ms, s or m, then each is given in milliseconds and the unlisted ones are left to the transport', () => {
    expect(loadConfig({}).smtpTimeouts).to.deep.equal({});
    const config = loadConfig({ SMTP_TIMEOUTS: 'connection=30s, greeting=5m,socket=2.5m,send=900000,dns=500ms' });
    expect(config.smtpTimeouts).to.deep.equal({ connectionMs: 30_000, greetingMs: 300_000, socketMs: 150_000, sendMs: 900_000, dnsMs: 500 });
    expect(loadConfig({ SMTP_TIMEOUTS: 'greeting=45s' }).smtpTimeouts).to.deep.equal({ greetingMs: 45_000 });
  });

  it('when SMTP_TIMEOUTS names an unknown timeout, repeats one, or gives a bad or out-of-range duration, then it is refused by name', () => {
    for (const bad of ['greting=5m', 'greeting=5m,greeting=1m', 'greeting=five', 'greeting=5h', 'socket=10ms', 'socket=61m', 'greeting']) {
      const error = failure({ SMTP_TIMEOUTS: bad });
      expect(error.message, bad).to.contain('SMTP_TIMEOUTS');
    }
  });

  it('when RETRY_LATER is unset, a list of waits in ms, s, m or h, or "off", then the later tries wait 5, 30 and 120 minutes, the waits given in milliseconds, or none', () => {
    expect(loadConfig({}).retryLaterMs).to.deep.equal([300_000, 1_800_000, 7_200_000]);
    expect(loadConfig({ RETRY_LATER: '500ms, 10s,2m,1.5h' }).retryLaterMs).to.deep.equal([500, 10_000, 120_000, 5_400_000]);
    expect(loadConfig({ RETRY_LATER: 'off' }).retryLaterMs).to.deep.equal([]);
  });

  it('when RETRY_LATER has a wait without a unit, zero, more than 7 days, or more than 10 waits, then it is refused by name', () => {
    for (const bad of ['5', '0m', '8d', '169h', 'soon', '5m,,30m', Array(11).fill('1m').join(',')]) {
      const error = failure({ RETRY_LATER: bad });
      expect(error.variable, bad).to.equal('RETRY_LATER');
    }
  });

  it('when HOST names an IPv6 address (with or without brackets) or a host name, then it is kept as an address to listen on', () => {
    expect(loadConfig({ HOST: '::' }).host).to.equal('::');
    expect(loadConfig({ HOST: '[::1]' }).host).to.equal('::1');
    expect(loadConfig({ HOST: 'mail-host.internal' }).host).to.equal('mail-host.internal');
  });

  const bad: Array<[string, Record<string, string>, RegExp]> = [
    ['HOST', { HOST: 'every interface' }, /HOST must be an IP address or a host name \(e\.g\. 127\.0\.0\.1, or 0\.0\.0\.0 for every interface\), got "every interface"/],
    ['HOST', { HOST: 'http://example.com' }, /HOST must be an IP address or a host name/],
    ['PORT', { PORT: 'eighty' }, /PORT must be a whole number from 0 to 65535, got "eighty"/],
    ['PORT', { PORT: '70000' }, /PORT must be a whole number/],
    ['APP_URL', { APP_URL: 'not a url' }, /APP_URL is not a valid URL/],
    ['APP_URL', { APP_URL: 'ftp://example.com' }, /APP_URL must start with http:\/\/ or https:\/\//],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://localhost/db' }, /DATABASE_URL must start with postgres:\/\/ or postgresql:\/\//],
    ['MONGODB_URL', { MONGODB_URL: 'http://mongo' }, /MONGODB_URL must start with mongodb:\/\//],
    ['SMTP_URL', { SMTP_URL: 'http://smtp' }, /SMTP_URL must start with smtp:\/\/ or smtps:\/\//],
    ['MAIL_FROM', { MAIL_FROM: 'nobody' }, /MAIL_FROM must be an e-mail address/],
    ['SESSION_SECRET', { SESSION_SECRET: 'short' }, /SESSION_SECRET must be at least 16 characters/],
    ['SEED_PASSWORD', { SEED_PASSWORD: 'short' }, /SEED_PASSWORD must be at least 8 characters/],
    ['APP_TIMEZONE', { APP_TIMEZONE: 'Mars/Olympus' }, /APP_TIMEZONE is not a known IANA time zone/],
    ['EMBEDDED_POSTGRES_PORT', { EMBEDDED_POSTGRES_PORT: '80' }, /EMBEDDED_POSTGRES_PORT must be a whole number from 1024/],
  ];
  for (const [variable, env, message] of bad) {
    it(`when ${variable} is ${JSON.stringify(Object.values(env)[0])}, then start-up fails naming ${variable}`, () => {
      const error = failure(env);
      expect(error.variable).to.equal(variable);
      expect(error.message).to.match(message);
    });
  }

  describe('in production', () => {
    const production = { NODE_ENV: 'production', SMTP_URL: 'smtp://smtp.example.com', SESSION_SECRET: 'a-long-enough-secret-value' };

    it('when SMTP_URL is missing, then it refuses to start (the mail catcher never runs in production)', () => {
      expect(failure({ ...production, SMTP_URL: '' }).variable).to.equal('SMTP_URL');
    });

    it('when SESSION_SECRET is missing, then it refuses to start', () => {
      expect(failure({ ...production, SESSION_SECRET: '' }).variable).to.equal('SESSION_SECRET');
    });

    it('when SEED_PASSWORD is missing, then there is no demo password', () => {
      expect(loadConfig(production).seedPassword).to.equal(undefined);
    });
  });

  it('when a .env file is present, then it fills what the environment does not set', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailing-env-'));
    const file = path.join(dir, '.env');
    fs.writeFileSync(file, 'APP_TIMEZONE=Asia/Tokyo\nPATH=/from/dotenv\n');
    const env = readEnvironment(file);
    expect(env.APP_TIMEZONE).to.equal(process.env.APP_TIMEZONE ?? 'Asia/Tokyo');
    expect(env.PATH).to.equal(process.env.PATH);
    fs.rmSync(dir, { recursive: true });
  });
});
