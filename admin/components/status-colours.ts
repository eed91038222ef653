// The colour of a status badge: the same word has the same colour on every screen (lists, record pages, a run's
// deliveries). Good outcomes green, failures red, work going on blue, stopped or waiting grey.
export type BadgeVariant = 'success' | 'danger' | 'info' | 'primary' | 'secondary' | 'light' | 'default';

const COLOURS: Record<string, BadgeVariant> = {
  // attempts
  success: 'success',
  failure: 'danger',
  running: 'info',
  cancelled: 'secondary',
  paused: 'secondary',
  retrying: 'secondary', // attempts and deliveries waiting for a later try
  // deliveries
  sent: 'success',
  failed: 'danger',
  sending: 'info',
  pending: 'light',
  unknown: 'secondary',
  skipped: 'light',
  // mailings
  scheduled: 'primary',
  created: 'light',
  completed: 'success',
  'paused-by-manager': 'secondary',
};

/** The properties whose values are statuses (coloured); other listed values keep the plain badge. */
export const STATUS_PROPERTIES = new Set(['status', 'state']);

export function statusVariant(value: unknown): BadgeVariant {
  return COLOURS[String(value)] ?? 'default';
}
