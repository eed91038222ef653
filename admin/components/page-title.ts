// The browser tab's title: the page's heading, then the product's name (AdminJS's branding).
export function documentTitle(page: string): string {
  const branding = (window as unknown as { REDUX_STATE?: { branding?: { companyName?: string } } }).REDUX_STATE?.branding;
  const product = branding?.companyName ?? 'Mailing Service';
  return page ? `${page} — ${product}` : product;
}
