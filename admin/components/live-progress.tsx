// The runs going on now, updating by themselves: sent / failed / total, rate and time left, polled every 1.5 s
// from GET /admin/api/progress (owner-scoped on the server). On a mailing's page only that mailing's run; on the
// dashboard every run the person may see. Shows nothing on a mailing's page when no run is going on.
import React, { useEffect, useState } from 'react';
import { Box, H4, Text } from '@adminjs/design-system';
import { useCurrentAdmin, useTranslation, type BasePropertyProps } from 'adminjs';
import { formatDateTime, screenLanguage } from './zoned-time.js';
import type { RunProgress } from '../../src/reports/progress.js';

type Run = RunProgress;

const POLL_MS = 1500;

function duration(seconds: number, locale: string): string {
  const unit = (value: number, name: 'hour' | 'minute' | 'second'): string =>
    new Intl.NumberFormat(locale, { style: 'unit', unit: name, unitDisplay: 'short' }).format(value);
  if (seconds >= 3600) return `${unit(Math.floor(seconds / 3600), 'hour')} ${unit(Math.round((seconds % 3600) / 60), 'minute')}`;
  if (seconds >= 60) return unit(Math.round(seconds / 60), 'minute');
  return unit(Math.max(1, seconds), 'second');
}

export const LiveRuns: React.FC<{ mailingId?: string | number; showEmpty?: boolean }> = ({ mailingId, showEmpty }) => {
  const [runs, setRuns] = useState<Run[] | null>(null);
  const [currentAdmin] = useCurrentAdmin();
  const { translateComponent, i18n } = useTranslation();
  const t = (key: string, options?: Record<string, unknown>): string => translateComponent(`LiveProgress.${key}`, options);
  const language = screenLanguage(i18n.language);
  const locale = language === 'ru' ? 'ru-RU' : 'en-US';
  const zone = (currentAdmin as { timeZone?: string } | null)?.timeZone ?? 'UTC';

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const root = (window as unknown as { REDUX_STATE?: { paths?: { rootPath?: string } } }).REDUX_STATE?.paths?.rootPath ?? '/admin';
    const url = `${root}/api/progress${mailingId === undefined ? '' : `?mailingId=${encodeURIComponent(String(mailingId))}`}`;
    const poll = async (): Promise<void> => {
      try {
        const response = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
        if (response.ok) {
          const body = (await response.json()) as { runs: Run[] };
          if (!stopped) setRuns(body.runs);
        }
      } catch {
        // the next poll tries again
      }
      if (!stopped) timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [mailingId]);

  if (runs === null || (runs.length === 0 && !showEmpty)) return null;
  const number = (n: number): string => n.toLocaleString(locale);
  return (
    <Box variant="card" p="lg" mb="lg" data-testid="live-progress" aria-live="polite">
      <H4>{t('title')}</H4>
      {runs.length === 0 && <Text data-progress-none>{t('none')}</Text>}
      {runs.map((run) => (
        <Box key={run.attemptId} mb="md" data-progress-attempt={run.attemptId}>
          <Text fontWeight="bold">
            {run.mailingLabel} · {t('started', { at: formatDateTime(run.attemptedAt, language, zone) })}
          </Text>
          <Text>
            <span data-progress-sent={run.sent} data-progress-failed={run.failed} data-progress-total={run.total}>
              {t('counts', { sent: number(run.sent), failed: number(run.failed), total: number(run.total) })}
            </span>
            {run.perMinute !== null && <> · {t('rate', { rate: number(run.perMinute) })}</>}
            {' · '}
            {run.secondsLeft === null ? t('timeLeftUnknown') : t('timeLeft', { time: duration(run.secondsLeft, locale) })}
          </Text>
          <progress max={Math.max(run.total, 1)} value={run.sent + run.failed} style={{ width: '100%' }} />
        </Box>
      ))}
    </Box>
  );
};

/** On a mailing's page (a property's show component): the mailing's own run. */
const LiveProgress: React.FC<BasePropertyProps> = ({ record }) => <LiveRuns mailingId={record?.id} />;

export default LiveProgress;
