// The dashboard page: mailings by status, sends of the last days and the latest attempts, as the policy allows.
import React, { useEffect, useState } from 'react';
import { documentTitle } from './page-title.js';
import { Box, H2, H4, Text, Table, TableHead, TableBody, TableRow, TableCell } from '@adminjs/design-system';
import { ApiClient, useCurrentAdmin, useTranslation } from 'adminjs';
import { LiveRuns } from './live-progress.js';
import { formatDateTime, screenLanguage } from './zoned-time.js';

interface Attempt {
  id: number;
  mailingId: number | null;
  mailingLabel: string;
  attemptedAt: string;
  status: string;
  trigger: string;
  recipients: number;
  sent: number;
  failed: number;
  serverResponse: string | null;
}

interface Data {
  coverage: 'own' | 'all' | 'none';
  /** The person's name, for the greeting. */
  name: string;
  mailingsByStatus: Record<string, number>;
  disabledMailings: number;
  lastDays: number;
  sentLastDays: number;
  failedLastDays: number;
  latestAttempts: Attempt[];
}

const api = new ApiClient();

/** A figure as its language writes it (12,345 in English, 12 345 in Russian). */
const Figure: React.FC<{ label: string; value: number; id: string; locale: string }> = ({ label, value, id, locale }) => (
  <Box variant="card" mr="lg" mb="lg" p="lg" style={{ minWidth: 140 }} data-figure={id} data-value={value}>
    <Text fontSize="xs">{label}</Text>
    <H2 mb="0">{value.toLocaleString(locale)}</H2>
  </Box>
);

const Dashboard: React.FC = () => {
  const [data, setData] = useState<Data | null>(null);
  const { translateComponent, translateLabel, i18n } = useTranslation();
  const [currentAdmin] = useCurrentAdmin();
  const zone = (currentAdmin as { timeZone?: string } | null)?.timeZone ?? 'UTC';
  const t = (key: string, options?: Record<string, unknown>): string => translateComponent(`Dashboard.${key}`, options);
  const pageName = translateLabel('dashboard');
  useEffect(() => {
    document.title = documentTitle(pageName); // the tab names the page (a record's page named it before)
  }, [pageName]);
  useEffect(() => {
    api.getDashboard().then((response) => setData(response.data as Data));
  }, []);
  const locale = screenLanguage(i18n.language) === 'ru' ? 'ru-RU' : 'en-US';
  const number = (n: number): string => n.toLocaleString(locale);
  if (!data) return <Box variant="container"><Text>{t('loading')}</Text></Box>;
  return (
    <Box variant="container" data-testid="dashboard">
      <H2>{data.name ? t('welcomeName', { name: data.name }) : t('welcome')}</H2>
      {data.coverage === 'none' ? (
        <Text>{t('useTheMenu')}</Text>
      ) : (
        <>
          <LiveRuns />
          <H4>{t(data.coverage === 'all' ? 'allMailings' : 'yourMailings')}</H4>
          <Box flex flexWrap="wrap">
            {Object.entries(data.mailingsByStatus).map(([status, count]) => (
              <Figure key={status} id={`status-${status}`} label={translateLabel(`status.${status}`, 'mailings', { defaultValue: status })} value={count} locale={locale} />
            ))}
            <Figure id="disabled" label={t('disabled')} value={data.disabledMailings} locale={locale} />
            <Figure id="sent" label={t('sentLastDays', { days: data.lastDays })} value={data.sentLastDays} locale={locale} />
            <Figure id="failed" label={t('failedLastDays', { days: data.lastDays })} value={data.failedLastDays} locale={locale} />
          </Box>
          <H4>{t('latestAttempts')}</H4>
          <Table>
            <TableHead>
              <TableRow>
                <TableCell>{t('when')}</TableCell>
                <TableCell>{t('mailing')}</TableCell>
                <TableCell>{t('status')}</TableCell>
                <TableCell>{t('sentFailedRecipients')}</TableCell>
                <TableCell>{t('serverResponse')}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {data.latestAttempts.length === 0 && (
                <TableRow>
                  <TableCell colSpan={5}>{t('noAttempts')}</TableCell>
                </TableRow>
              )}
              {data.latestAttempts.map((a) => (
                <TableRow key={a.id}>
                  <TableCell>{formatDateTime(a.attemptedAt, screenLanguage(i18n.language), zone)}</TableCell>
                  <TableCell data-attempt-mailing={a.id}>{a.mailingLabel} ({translateLabel(`trigger.${a.trigger}`, 'attempts', { defaultValue: a.trigger })})</TableCell>
                  <TableCell>{translateLabel(`status.${a.status}`, 'attempts', { defaultValue: a.status })}</TableCell>
                  <TableCell>{number(a.sent)} / {number(a.failed)} / {number(a.recipients)}</TableCell>
                  <TableCell>{a.serverResponse ?? ''}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </>
      )}
    </Box>
  );
};

export default Dashboard;
