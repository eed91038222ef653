// Which image addresses a post may show: paths on this site only (the CSP would block others anyway).

/** The path when it is a same-site path like /static/blog/x.svg or /uploads/…, else null. */
export function publicImage(image: string | null | undefined): string | null {
  if (typeof image !== 'string') return null;
  const value = image.trim();
  return value.startsWith('/') && !value.startsWith('//') && !value.includes('\\') ? value : null;
}
