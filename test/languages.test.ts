// The language a person gets: their browser's Accept-Language, else APP_LOCALE (default en).
import { expect } from 'chai';
import { loadConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';
import { pickLanguage } from '../src/languages.js';

describe('choosing the language', () => {
  it('when APP_LOCALE is not set, then the service default is English', () => {
    expect(loadConfig({}).appLocale).to.equal('en');
  });

  it('when APP_LOCALE is "RU", then the service default is Russian', () => {
    expect(loadConfig({ APP_LOCALE: 'RU' }).appLocale).to.equal('ru');
  });

  it('when APP_LOCALE names a language the service does not speak, then start-up fails naming APP_LOCALE', () => {
    let error: unknown;
    try {
      loadConfig({ APP_LOCALE: 'de' });
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(ConfigError);
    expect((error as ConfigError).variable).to.equal('APP_LOCALE');
    expect((error as Error).message).to.match(/APP_LOCALE must be one of en, ru, got "de"/);
  });

  const cases: Array<[string | undefined, 'en' | 'ru', 'en' | 'ru']> = [
    ['ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7', 'en', 'ru'],
    ['en-GB,en;q=0.9,ru;q=0.8', 'ru', 'en'],
    ['de-DE,de;q=0.9', 'ru', 'ru'],
    ['de-DE,de;q=0.9,ru;q=0.5', 'en', 'ru'],
    ['en;q=0.2,ru;q=0.8', 'en', 'ru'],
    ['ru;q=0,en', 'ru', 'en'],
    ['*', 'ru', 'ru'],
    ['', 'ru', 'ru'],
    [undefined, 'en', 'en'],
  ];
  for (const [header, fallback, expected] of cases) {
    it(`when the browser asks for ${JSON.stringify(header)} and the default is ${fallback}, then the language is ${expected}`, () => {
      expect(pickLanguage(header, fallback)).to.equal(expected);
    });
  }
});
