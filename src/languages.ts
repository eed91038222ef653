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
