// Confirmation screen of an action that changes something (disable, enable, send now, block, unblock): acts on POST only.
import React, { useState } from 'react';
import { Box, Button, H3, Text } from '@adminjs/design-system';
import { ApiClient, useNotice, useTranslation, type ActionProps } from 'adminjs';

const api = new ApiClient();

const ConfirmAction: React.FC<ActionProps> = ({ action, resource, record }) => {
  const addNotice = useNotice();
  const { translateAction, translateMessage } = useTranslation();
  const [busy, setBusy] = useState(false);
  const label = translateAction(action.label, resource.id);
  // the catalogue's "<action>Confirm" of the resource; the action's own English only if the catalogue lacks it
  const fallback = (action.custom as { question?: string } | undefined)?.question ?? `${label}?`;
  // the record's figures fill the question ("… all its {{recipientsCount}} recipients …")
  const question = translateMessage(`${action.name}Confirm`, resource.id, { defaultValue: fallback, ...(record?.params ?? {}) });
  if (!record) return null;

  const run = async (): Promise<void> => {
    setBusy(true);
    try {
      const response = await api.recordAction({ resourceId: resource.id, recordId: record.id, actionName: action.name, data: {} });
      if (response.data.notice) addNotice(response.data.notice);
      const url = (response.data as { redirectUrl?: string }).redirectUrl;
      if (url) window.location.assign(url);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box variant="container">
      <H3>{question}</H3>
      <Text mb="xl">{record.title}</Text>
      <Button variant="contained" disabled={busy} onClick={run} data-testid={`confirm-${action.name}`}>
        {label}
      </Button>
    </Box>
  );
};

export default ConfirmAction;
