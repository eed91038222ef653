// The languages the service speaks, and which one a person gets: the one their browser asks for first (its
// Accept-Language header), else the service's default (APP_LOCALE).
export const LANGUAGES = ['en', 'ru'] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/**
 * The language of an Accept-Language header ("ru-RU,ru;q=0.9,en;q=0.8"): the most wanted one we speak, a regional
 * variant counting as its language ("ru-RU" is "ru"); the fallback when the header names none of ours.
 */
export function pickLanguage(acceptLanguage: string | undefined, fallback: Language): Language {
  if (!acceptLanguage) return fallback;
  const wanted = acceptLanguage
    .split(',')
    .map((part, order) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const quality = q === undefined ? 1 : Number(q.slice(2));
      return { language: tag.trim().toLowerCase().split('-')[0], quality: Number.isFinite(quality) ? quality : 0, order };
    })
    .filter((w) => w.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.order - b.order);
  return wanted.map((w) => w.language).find(isLanguage) ?? fallback;
}

/** The cookie where a person's chosen language is kept, shared by the public site and the back office. */
export const LANGUAGE_COOKIE = 'lang';

/** One value of a Cookie header, or undefined. */
export function cookieValue(cookieHeader: string | undefined, name: string): string | undefined {
  for (const pair of (cookieHeader ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) {
      try {
        return decodeURIComponent(pair.slice(at + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * The language of a visit: the person's own setting (their profile), else the switcher's cookie, else the
 * browser's Accept-Language, else the service's default (APP_LOCALE). A cookie "ru-RU" counts as "ru".
 */
export function visitLanguage(
  sources: { profile?: string | null; cookieHeader?: string; acceptLanguage?: string },
  fallback: Language,
): Language {
  if (isLanguage(sources.profile)) return sources.profile;
  const chosen = cookieValue(sources.cookieHeader, LANGUAGE_COOKIE)?.toLowerCase().split('-')[0];
  if (isLanguage(chosen)) return chosen;
  return pickLanguage(sources.acceptLanguage, fallback);
}

/** The Intl locale of a language (dates, numbers). */
export function intlLocale(language: Language): string {
  return language === 'ru' ? 'ru-RU' : 'en-GB';
}

/** A number as the language writes it ("10,000" / "10 000"). */
export function formatNumber(value: number, language: Language): string {
  return value.toLocaleString(language === 'ru' ? 'ru-RU' : 'en-US');
}

/** A calendar day ("5 March 2026" / "5 марта 2026 г.") as it is in the given IANA zone. */
export function formatDay(date: Date, language: Language, timeZone: string): string {
  return new Intl.DateTimeFormat(intlLocale(language), { day: 'numeric', month: 'long', year: 'numeric', timeZone }).format(date);
}

/** True for a time zone Intl knows by its IANA name ("Europe/Moscow", "UTC"). */
export function isTimeZone(value: unknown): value is string {
  if (typeof value !== 'string' || value === '' || value.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** Each language by its own name, as a person looks for it whatever the screen's language. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', ru: 'Русский' };
