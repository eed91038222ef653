// The message page's preview: the subject, the HTML in a sandboxed frame (no scripts, no same origin) and the text
// part, for a chosen client of the message's owner or sample data; and "send a test to me".
import React, { useEffect, useState } from 'react';
import { Box, Button, H3, Label, Select, Text } from '@adminjs/design-system';
import { ApiClient, useNotice, useTranslation, type ActionProps } from 'adminjs';

const api = new ApiClient();

interface PreviewData {
  preview: { subject: string; html: string; text: string; clientId: number | null; recipient: { email: string } };
  clients: Array<{ id: number; label: string }>;
}

interface Option {
  value: string;
  label: string;
}

const MessagePreview: React.FC<ActionProps> = ({ resource, record }) => {
  const addNotice = useNotice();
  const { translateMessage, translateLabel } = useTranslation();
  const [clientId, setClientId] = useState('');
  const [data, setData] = useState<PreviewData | undefined>();
  const [busy, setBusy] = useState(false);
  const t = (key: string, values: Record<string, unknown> = {}) => translateMessage(key, resource.id, values);

  useEffect(() => {
    if (!record) return;
    let live = true;
    api
      .recordAction({ resourceId: resource.id, recordId: record.id, actionName: 'preview', params: clientId ? { clientId } : {} })
      .then((response) => {
        const body = response.data as Partial<PreviewData> & { notice?: { message: string; type: 'error' } };
        if (body.notice && !body.preview) addNotice(body.notice);
        if (live && body.preview) setData(body as PreviewData);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [record?.id, clientId]);

  if (!record) return null;
  const sample: Option = { value: '', label: t('previewSample') };
  const options: Option[] = [sample, ...(data?.clients ?? []).map((c) => ({ value: String(c.id), label: c.label }))];
  const selected = options.find((o) => o.value === clientId) ?? sample;

  const sendTest = async (): Promise<void> => {
    setBusy(true);
    try {
      const response = await api.recordAction({ resourceId: resource.id, recordId: record.id, actionName: 'sendTest', data: clientId ? { clientId } : {} });
      if (response.data.notice) addNotice(response.data.notice);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box variant="container" data-testid="message-preview">
      <Box mb="lg">
        <Label>{t('previewFor')}</Label>
        <Select value={selected} options={options} onChange={(option: Option | null) => setClientId(option?.value ?? '')} />
      </Box>
      {data ? (
        <>
          <Label>{translateLabel('subject', resource.id)}</Label>
          <H3 data-testid="preview-subject">{data.preview.subject}</H3>
          <Label>{t('previewHtml')}</Label>
          {/* sandbox="": the mail's HTML runs no script and gets no access to the back office */}
          <iframe
            title="html"
            sandbox=""
            srcDoc={data.preview.html}
            data-testid="preview-html"
            style={{ width: '100%', height: '360px', border: '1px solid #ddd', background: '#fff' }}
          />
          <Label mt="lg">{t('previewText')}</Label>
          <Box as="pre" p="default" bg="grey20" style={{ whiteSpace: 'pre-wrap' }} data-testid="preview-text">
            {data.preview.text}
          </Box>
        </>
      ) : (
        <Text>…</Text>
      )}
      <Box mt="xl">
        <Button variant="contained" disabled={busy} onClick={sendTest} data-testid="send-test">
          {t('sendTestToMe')}
        </Button>
      </Box>
    </Box>
  );
};

export default MessagePreview;
