// The back office's catalogues (admin/locale): the same keys in English and Russian, all of AdminJS's own strings
// translated, real Russian words, and pages in the language of the person who asks for them.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { projectRoot } from '../../src/paths.js';
import { en } from '../../admin/locale/en.js';
import { ru } from '../../admin/locale/ru.js';
import { useTestDatabase } from '../helpers/database.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createUser } from '../helpers/factories.js';

type Tree = { [key: string]: string | Tree };

/** Every leaf of a catalogue as "a.b.c" → text. */
function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const at = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(at, value);
    else for (const [k, v] of leaves(value, at)) out.set(k, v);
  }
  return out;
}

const adminJsEnglish = JSON.parse(
  fs.readFileSync(path.join(projectRoot, 'node_modules', 'adminjs', 'lib', 'locale', 'en', 'translation.json'), 'utf8'),
) as Tree;

const english = leaves(en as unknown as Tree);
const russian = leaves(ru as unknown as Tree);

const CYRILLIC = /[А-Яа-яЁё]/;
/** Russian values that rightly have no Cyrillic: a language offered by its own name. */
const LATIN_IN_RUSSIAN = new Set(['components.LanguageSelector.availableLanguages.en']);
/** English values that rightly have Cyrillic: Russian offered by its own name. */
const CYRILLIC_IN_ENGLISH = new Set(['components.LanguageSelector.availableLanguages.ru']);
/** The offered languages, by their own names, are the same in both catalogues. */
const SAME_IN_BOTH = new Set([...LATIN_IN_RUSSIAN, ...CYRILLIC_IN_ENGLISH]);

const placeholders = (text: string): string[] => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}|<(\d+)>/g)].map((m) => m[0]).sort();

describe('the back office catalogues', () => {
  it('when a key is in the English catalogue, then it is in the Russian one, and the other way round', () => {
    const onlyEnglish = [...english.keys()].filter((key) => !russian.has(key));
    const onlyRussian = [...russian.keys()].filter((key) => !english.has(key));
    expect(onlyEnglish, 'keys missing in ru').to.deep.equal([]);
    expect(onlyRussian, 'keys missing in en').to.deep.equal([]);
  });

  it("when AdminJS has an English string, then both catalogues have its key (AdminJS ships no Russian)", () => {
    const adminJsKeys = [...leaves(adminJsEnglish).keys()];
    expect(adminJsKeys.length).to.be.greaterThan(80);
    expect(adminJsKeys.filter((key) => !russian.has(key)), 'AdminJS keys missing in ru').to.deep.equal([]);
    expect(adminJsKeys.filter((key) => !english.has(key)), 'AdminJS keys missing in en').to.deep.equal([]);
  });

  it('when a value is read, then it is not empty in either language', () => {
    const empty = [...english, ...russian].filter(([, text]) => text.trim() === '').map(([key]) => key);
    expect(empty).to.deep.equal([]);
  });

  it('when a Russian value is read, then it is written in Russian (Cyrillic), not left in English', () => {
    const untranslated = [...russian]
      .filter(([key, text]) => !LATIN_IN_RUSSIAN.has(key) && !CYRILLIC.test(text.replace(/\{\{\s*\w+\s*\}\}|<\/?\w+>/g, '')))
      .map(([key, text]) => `${key}: ${text}`);
    expect(untranslated).to.deep.equal([]);
    const copied = [...russian].filter(([key, text]) => !SAME_IN_BOTH.has(key) && text === english.get(key)).map(([key]) => key);
    expect(copied, 'Russian values identical to the English').to.deep.equal([]);
  });

  it('when an English value is read, then it has no Cyrillic', () => {
    const mixed = [...english].filter(([key, text]) => !CYRILLIC_IN_ENGLISH.has(key) && CYRILLIC.test(text)).map(([key]) => key);
    expect(mixed).to.deep.equal([]);
  });

  it('when a value has placeholders ({{count}}, <1>), then the other language has the same ones', () => {
    const differing = [...english]
      .filter(([key, text]) => JSON.stringify(placeholders(text)) !== JSON.stringify(placeholders(russian.get(key) ?? '')))
      .map(([key]) => key);
    expect(differing).to.deep.equal([]);
  });

  it("when AdminJS throws a forbidden error (it gives no actionName or resourceId), then the message has no template", () => {
    for (const catalogue of [english, russian]) {
      expect(catalogue.get('messages.forbiddenError')).to.not.contain('{{');
      expect(catalogue.get('messages.anyForbiddenError')).to.not.contain('{{');
    }
  });

  it('when a message would name a resource or an action, then it does not (AdminJS fills in their ids, not words)', () => {
    const withIds = [...english, ...russian].filter(([, text]) => /\{\{\s*(resourceId|actionName)\s*\}\}/.test(text)).map(([key]) => key);
    expect(withIds).to.deep.equal([]);
  });

  it('when the login page welcomes, then it names the product, not AdminJS, in both languages', () => {
    for (const catalogue of [english, russian]) {
      expect(catalogue.get('components.Login.welcomeHeader')).to.contain('Mailing Service');
      expect(catalogue.get('components.Login.welcomeMessage')).to.not.match(/AdminJS/i);
    }
  });
});

/** The locale the login page was rendered with (AdminJS puts it in window.REDUX_STATE for the browser). */
function pageLocale(html: string): { language: string; translations: Record<string, Tree> } {
  const state = html.match(/window\.REDUX_STATE = (.*);\n/)?.[1];
  expect(state, 'the page carries its state').to.be.a('string');
  return JSON.parse(state!).locale;
}

function htmlLang(html: string): string | undefined {
  return html.match(/<html lang=([\w-]+)>/)?.[1];
}

describe('the language of the login page', () => {
  const db = useTestDatabase();
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  async function loginPage(headers: Record<string, string>): Promise<string> {
    const response = await fetch(`${app!.url}/admin/login`, { headers });
    expect(response.status).to.equal(200);
    return response.text();
  }

  it('when the browser asks for Russian (Accept-Language: ru), then the login page is in Russian with the Russian welcome', async () => {
    app = await startTestApp({ db: db() });
    const html = await loginPage({ 'Accept-Language': 'ru-RU,ru;q=0.9,en;q=0.8' });
    expect(htmlLang(html)).to.equal('ru');
    const locale = pageLocale(html);
    expect(locale.language).to.equal('ru');
    expect(leaves(locale.translations.ru).get('components.Login.welcomeMessage')).to.equal(ru.components.Login.welcomeMessage);
    expect(html).to.contain(ru.components.Login.welcomeMessage);
  });

  it('when the browser asks for neither language and APP_LOCALE=ru, then the login page is in Russian', async () => {
    app = await startTestApp({ db: db(), env: { APP_LOCALE: 'ru' } });
    const html = await loginPage({ 'Accept-Language': 'de-DE,de;q=0.9' });
    expect(htmlLang(html)).to.equal('ru');
    expect(pageLocale(html).language).to.equal('ru');
  });

  it('when the browser asks for English and APP_LOCALE=ru, then the login page is in English', async () => {
    app = await startTestApp({ db: db(), env: { APP_LOCALE: 'ru' } });
    const html = await loginPage({ 'Accept-Language': 'en-GB,en;q=0.9' });
    expect(htmlLang(html)).to.equal('en');
    expect(pageLocale(html).language).to.equal('en');
  });

  it('when the person chose English with the switcher (lang cookie), then that wins over a Russian browser', async () => {
    app = await startTestApp({ db: db() });
    const html = await loginPage({ 'Accept-Language': 'ru', Cookie: 'lang=en' });
    expect(htmlLang(html)).to.equal('en');
  });

  it('when a Russian browser fails to log in, then the page that says so is in Russian too', async () => {
    app = await startTestApp({ db: db() });
    await createUser(db(), { email: 'ivan@example.test' });
    const response = await fetch(`${app.url}/admin/login`, {
      method: 'POST',
      headers: { 'Accept-Language': 'ru', Origin: app.url },
      body: new URLSearchParams({ email: 'ivan@example.test', password: 'wrong-password' }),
      redirect: 'manual',
    });
    const html = await response.text();
    expect(html).to.contain('"errorMessage":"invalidCredentials"');
    expect(htmlLang(html)).to.equal('ru');
    expect(pageLocale(html).language).to.equal('ru');
  });

  it('when the page offers its languages, then the switcher lists English and Russian and remembers the choice in the lang cookie', async () => {
    app = await startTestApp({ db: db() });
    const locale = pageLocale(await loginPage({})) as unknown as { availableLanguages: string[]; localeDetection: boolean; detection: { caches: string[]; lookupCookie: string } };
    expect(locale.availableLanguages).to.deep.equal(['en', 'ru']);
    expect(locale.localeDetection).to.equal(true);
    expect(locale.detection).to.include({ lookupCookie: 'lang' });
    expect(locale.detection.caches).to.deep.equal(['cookie']);
  });
});
