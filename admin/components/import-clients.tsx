// The clients' CSV import screen, three steps: choose a file (sent to the importClients action, which keeps it
// and answers a preview), check the preview and the column mapping and choose what happens to duplicates, then
// the result: counts, refused rows with their lines (all of them downloadable as CSV). The address keeps
// ?importId=… so the result can be opened again.
import React, { useEffect, useState } from 'react';
import { Box, Button, H3, Text } from '@adminjs/design-system';
import { ApiClient, useTranslation, type ActionProps } from 'adminjs';

const api = new ApiClient();
const FIELDS = ['email', 'fullName', 'comment', 'tags'] as const;
type Field = (typeof FIELDS)[number];

interface Preview {
  id: number;
  fileName: string;
  encoding: string;
  delimiter: string;
  header: string[];
  rows: string[][];
  rowCount: number;
  mapping: Partial<Record<Field, number>>;
}
interface Result {
  id: number;
  fileName: string;
  state: 'pending' | 'running' | 'interrupted' | 'done';
  added: number;
  updated: number;
  skipped: number;
  refused: number;
  refusals: Array<{ line: number; email: string; reason: string }>;
}
interface Answer {
  maxSize?: string;
  preview?: Preview;
  result?: Result;
  error?: { message: string; fields: Record<string, string> };
}

const cellStyle: React.CSSProperties = { border: '1px solid #dcdce4', padding: '4px 8px', textAlign: 'left', verticalAlign: 'top', whiteSpace: 'pre-wrap' };
const errorStyle: React.CSSProperties = { color: '#c20012', margin: '8px 0' };

const ImportClients: React.FC<ActionProps> = ({ resource }) => {
  const { translateMessage, translateProperty } = useTranslation();
  const t = (key: string, options?: Record<string, unknown>): string => translateMessage(key, resource.id, options);
  const [answer, setAnswer] = useState<Answer>({});
  const [file, setFile] = useState<File | null>(null);
  const [mapping, setMapping] = useState<Partial<Record<Field, number>>>({});
  const [onDuplicate, setOnDuplicate] = useState<'update' | 'skip'>('update');
  const [busy, setBusy] = useState(false);

  const call = async (data?: unknown, query?: string): Promise<void> => {
    setBusy(true);
    try {
      const response = await api.resourceAction({ resourceId: resource.id, actionName: 'importClients', method: data ? 'post' : 'get', data, query });
      const body = response.data as Answer;
      setAnswer((previous) => ({ ...previous, ...body, error: body.error }));
      if (body.preview) setMapping(body.preview.mapping);
      if (body.result) window.history.replaceState(null, '', `${window.location.pathname}?importId=${body.result.id}`);
    } catch {
      setAnswer((previous) => ({ ...previous, error: { message: t('importFailed'), fields: {} } }));
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    const id = new URLSearchParams(window.location.search).get('importId');
    void call(undefined, id ? `?importId=${encodeURIComponent(id)}` : undefined);
  }, []);

  const upload = (): void => {
    if (!file) return;
    const form = new FormData();
    form.append('file', file);
    setAnswer((previous) => ({ maxSize: previous.maxSize }));
    void call(form);
  };
  const confirm = (): void => {
    if (!answer.preview) return;
    void call({ step: 'confirm', importId: answer.preview.id, mapping, onDuplicate });
  };
  const restart = (): void => {
    window.history.replaceState(null, '', window.location.pathname);
    setFile(null);
    setAnswer((previous) => ({ maxSize: previous.maxSize }));
  };

  const { preview, result, error } = answer;
  const errorBox = error ? <div style={errorStyle} data-testid="import-error">{error.message}</div> : null;

  if (result) {
    const counts: Array<[string, number]> = [['importAdded', result.added], ['importUpdated', result.updated], ['importSkipped', result.skipped], ['importRefused', result.refused]];
    return (
      <Box variant="container" data-testid="import-result">
        <H3>{t('importResultTitle', { fileName: result.fileName })}</H3>
        {result.state !== 'done' ? <Text mb="lg" data-testid="import-state">{t(`importState_${result.state}`)}</Text> : null}
        {result.state === 'done' ? (
          <table style={{ borderCollapse: 'collapse', marginBottom: 16 }}>
            <tbody>
              {counts.map(([key, value]) => (
                <tr key={key}>
                  <th style={cellStyle}>{t(key)}</th>
                  <td style={cellStyle} data-testid={`count-${key}`}>{value.toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {result.refused > 0 ? (
          <>
            <Text mb="sm">{t('importRefusedRows', { shown: result.refusals.length, count: result.refused })}</Text>
            <table style={{ borderCollapse: 'collapse', marginBottom: 16 }} data-testid="import-refusals">
              <thead>
                <tr><th style={cellStyle}>{t('importLine')}</th><th style={cellStyle}>{translateProperty('email', resource.id)}</th><th style={cellStyle}>{t('importReason')}</th></tr>
              </thead>
              <tbody>
                {result.refusals.map((row) => (
                  <tr key={row.line}><td style={cellStyle}>{row.line}</td><td style={cellStyle}>{row.email}</td><td style={cellStyle}>{row.reason}</td></tr>
                ))}
              </tbody>
            </table>
            <a href={`/admin/audience/imports/${result.id}/refused.csv`} data-testid="import-refused-csv">{t('importDownloadRefused')}</a>
          </>
        ) : null}
        <Box mt="xl">
          {result.state === 'interrupted' ? (
            <Button type="button" mr="default" disabled={busy} onClick={() => void call({ step: 'confirm', importId: result.id })}>
              {t('importRetry')}
            </Button>
          ) : null}
          <Button type="button" variant="outlined" onClick={restart}>{t('importAnother')}</Button>
        </Box>
        {errorBox}
      </Box>
    );
  }

  if (preview) {
    return (
      <Box variant="container" data-testid="import-preview">
        <H3>{t('importPreviewTitle', { fileName: preview.fileName })}</H3>
        <Text mb="lg">{t('importDetected', { count: preview.rowCount, encoding: preview.encoding, delimiter: preview.delimiter === ';' ? ';' : ',' })}</Text>
        <div style={{ overflowX: 'auto', marginBottom: 16 }}>
          <table style={{ borderCollapse: 'collapse' }}>
            <thead><tr>{preview.header.map((name, i) => <th key={i} style={cellStyle}>{name}</th>)}</tr></thead>
            <tbody>
              {preview.rows.map((row, r) => (
                <tr key={r}>{preview.header.map((_, i) => <td key={i} style={cellStyle}>{row[i] ?? ''}</td>)}</tr>
              ))}
            </tbody>
          </table>
        </div>
        <H3>{t('importMapping')}</H3>
        {FIELDS.map((field) => (
          <Box key={field} mb="default">
            <label htmlFor={`map-${field}`} style={{ display: 'inline-block', minWidth: 160 }}>{translateProperty(field, resource.id)}</label>
            <select
              id={`map-${field}`}
              value={mapping[field] === undefined ? '' : String(mapping[field])}
              onChange={(event) => {
                const value = event.target.value;
                setMapping((current) => {
                  const next = { ...current };
                  if (value === '') delete next[field];
                  else next[field] = Number(value);
                  return next;
                });
              }}
            >
              <option value="">{t('importNoColumn')}</option>
              {preview.header.map((name, i) => <option key={i} value={String(i)}>{name || `#${i + 1}`}</option>)}
            </select>
            {error?.fields[field] ? <span style={{ ...errorStyle, marginLeft: 8 }}>{error.fields[field]}</span> : null}
          </Box>
        ))}
        <H3>{t('importDuplicates')}</H3>
        {(['update', 'skip'] as const).map((choice) => (
          <Box key={choice} mb="sm">
            <label>
              <input type="radio" name="onDuplicate" value={choice} checked={onDuplicate === choice} onChange={() => setOnDuplicate(choice)} /> {t(`importOnDuplicate_${choice}`)}
            </label>
          </Box>
        ))}
        {errorBox}
        <Box mt="xl">
          <Button type="button" variant="contained" mr="default" disabled={busy} onClick={confirm} data-testid="import-confirm">
            {busy ? t('importWorking') : t('importConfirm', { count: preview.rowCount })}
          </Button>
          <Button type="button" variant="outlined" disabled={busy} onClick={restart}>{t('importCancel')}</Button>
        </Box>
      </Box>
    );
  }

  return (
    <Box variant="container" data-testid="import-upload">
      <H3>{t('importTitle')}</H3>
      <Text mb="lg">{t('importHelp', { maxSize: answer.maxSize ?? '' })}</Text>
      <input type="file" name="file" accept=".csv,text/csv,text/plain" data-testid="import-file" onChange={(event) => setFile(event.target.files?.[0] ?? null)} />
      {errorBox}
      <Box mt="xl">
        <Button type="button" variant="contained" disabled={!file || busy} onClick={upload} data-testid="import-upload-button">
          {busy ? t('importWorking') : t('importUpload')}
        </Button>
      </Box>
    </Box>
  );
};

export default ImportClients;
