// A run's deliveries on its page: who got the mail, who did not and what the server said, 20 at a time, filtered
// by status, from GET /admin/api/attempts/:id/deliveries (owner-scoped on the server; one query per page, so a run
// of a million recipients pages as fast as a small one). Pages go forward by a cursor and back by the ones seen.
import React, { useEffect, useState } from 'react';
import { Badge, Box, Button, H4, Table, TableBody, TableCell, TableHead, TableRow, Text } from '@adminjs/design-system';
import { useCurrentAdmin, useTranslation, type BasePropertyProps } from 'adminjs';
import { formatDateTime, screenLanguage } from './zoned-time.js';
import { statusVariant } from './status-colours.js';
import type { DeliveryLine, DeliveryPage } from '../../src/reports/deliveries.js';

const STATUSES = ['sent', 'failed', 'unknown', 'skipped', 'cancelled', 'pending', 'sending'] as const;
const PER_PAGE = 20;

const AttemptDeliveries: React.FC<BasePropertyProps> = ({ record }) => {
  const { translateComponent, tl, i18n } = useTranslation();
  const [currentAdmin] = useCurrentAdmin();
  const t = (key: string, options?: Record<string, unknown>): string => translateComponent(`AttemptDeliveries.${key}`, options);
  const word = (status: string): string => tl(`status.${status}`, 'deliveries', { defaultValue: status });
  const language = screenLanguage(i18n.language);
  const zone = (currentAdmin as { timeZone?: string } | null)?.timeZone ?? 'UTC';
  const [status, setStatus] = useState('');
  // the cursors of the pages seen so far: cursors[0] is the first page (no cursor)
  const [cursors, setCursors] = useState<Array<number | undefined>>([undefined]);
  const [page, setPage] = useState<DeliveryPage | null>(null);
  const [failed, setFailed] = useState(false);
  const after = cursors[cursors.length - 1];

  useEffect(() => {
    let stopped = false;
    const root = (window as unknown as { REDUX_STATE?: { paths?: { rootPath?: string } } }).REDUX_STATE?.paths?.rootPath ?? '/admin';
    const query = new URLSearchParams({ perPage: String(PER_PAGE) });
    if (status) query.set('status', status);
    if (after !== undefined) query.set('after', String(after));
    setFailed(false);
    fetch(`${root}/api/attempts/${encodeURIComponent(String(record?.id ?? ''))}/deliveries?${query}`, { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(async (response) => {
        if (!response.ok) throw new Error(String(response.status));
        const body = (await response.json()) as DeliveryPage;
        if (!stopped) setPage(body);
      })
      .catch(() => {
        if (!stopped) setFailed(true);
      });
    return () => {
      stopped = true;
    };
  }, [record?.id, status, after]);

  const choose = (next: string): void => {
    setStatus(next);
    setCursors([undefined]);
  };
  const line = (delivery: DeliveryLine): React.ReactElement => (
    <TableRow key={delivery.id} data-delivery={delivery.id}>
      <TableCell>{delivery.email}</TableCell>
      <TableCell>{delivery.clientName ?? ''}</TableCell>
      <TableCell>
        <Badge variant={statusVariant(delivery.status)} data-status={delivery.status}>{word(delivery.status)}</Badge>
      </TableCell>
      <TableCell>{delivery.response ?? ''}</TableCell>
      <TableCell>{delivery.sentAt ? formatDateTime(delivery.sentAt, language, zone) : ''}</TableCell>
    </TableRow>
  );

  return (
    <Box mb="xl" data-testid="attempt-deliveries">
      <H4>{t('title')}</H4>
      <Box flex flexDirection="row" flexWrap="wrap" mb="default">
        {['', ...STATUSES].map((value) => (
          <Button
            key={value || 'all'}
            type="button"
            size="sm"
            mr="sm"
            mb="sm"
            variant={status === value ? 'contained' : 'outlined'}
            data-testid={`deliveries-status-${value || 'all'}`}
            aria-pressed={status === value}
            onClick={() => choose(value)}
          >
            {value ? word(value) : t('all')}
          </Button>
        ))}
      </Box>
      {failed && <Text data-testid="deliveries-error">{t('failedToLoad')}</Text>}
      {page && page.deliveries.length === 0 && <Text data-testid="deliveries-empty">{status ? t('emptyStatus') : t('empty')}</Text>}
      {page && page.deliveries.length > 0 && (
        <Box overflowX="auto">
          <Table>
            <TableHead>
              <TableRow>
                <TableCell>{t('email')}</TableCell>
                <TableCell>{t('client')}</TableCell>
                <TableCell>{t('status')}</TableCell>
                <TableCell>{t('response')}</TableCell>
                <TableCell>{t('sentAt')}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>{page.deliveries.map(line)}</TableBody>
          </Table>
        </Box>
      )}
      <Box flex flexDirection="row" alignItems="center" mt="default">
        <Button type="button" size="sm" variant="outlined" mr="default" disabled={cursors.length <= 1} data-testid="deliveries-previous" onClick={() => setCursors(cursors.slice(0, -1))}>
          {t('previous')}
        </Button>
        <Text mr="default" data-testid="deliveries-page">{t('page', { page: cursors.length })}</Text>
        <Button
          type="button"
          size="sm"
          variant="outlined"
          disabled={!page || page.next === null}
          data-testid="deliveries-next"
          onClick={() => page?.next != null && setCursors([...cursors, page.next])}
        >
          {t('next')}
        </Button>
      </Box>
    </Box>
  );
};

export default AttemptDeliveries;
