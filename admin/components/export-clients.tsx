// The clients' export page: the list's filters (taken from the address the list had) to narrow it, and a link
// that downloads the CSV (UTF-8 with a BOM, for Excel).
import React, { useState } from 'react';
import { Box, H3, Input, Label, Text } from '@adminjs/design-system';
import { useTranslation, type ActionProps } from 'adminjs';

const FILTERS = ['email', 'fullName', 'tags'] as const;

const ExportClients: React.FC<ActionProps> = ({ resource }) => {
  const { translateMessage, translateProperty } = useTranslation();
  const search = new URLSearchParams(window.location.search);
  const [values, setValues] = useState<Record<string, string>>(
    Object.fromEntries(FILTERS.map((name) => [name, search.get(`filters.${name}`) ?? ''])),
  );
  const query = new URLSearchParams(Object.entries(values).filter(([, value]) => value.trim() !== '').map(([name, value]) => [`filters.${name}`, value]));
  const href = `/admin/audience/clients.csv${query.toString() ? `?${query.toString()}` : ''}`;
  return (
    <Box variant="container">
      <H3>{translateMessage('exportTitle', resource.id)}</H3>
      <Text mb="lg">{translateMessage('exportHelp', resource.id)}</Text>
      {FILTERS.map((name) => (
        <Box key={name} mb="default">
          <Label htmlFor={`export-${name}`}>{translateProperty(name, resource.id)}</Label>
          <Input id={`export-${name}`} value={values[name]} onChange={(event: React.ChangeEvent<HTMLInputElement>) => setValues({ ...values, [name]: event.target.value })} />
        </Box>
      ))}
      <a href={href} data-testid="export-download" style={{ display: 'inline-block', marginTop: 16 }}>{translateMessage('exportDownload', resource.id)}</a>
    </Box>
  );
};

export default ExportClients;
