// The dashboard page: mailings by status, sends of the last days and the latest attempts, as the policy allows.
import React, { useEffect, useState } from 'react';
import { Box, H2, H4, Text, Table, TableHead, TableBody, TableRow, TableCell } from '@adminjs/design-system';
import { ApiClient } from 'adminjs';

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
  title: string;
  mailingsByStatus: Record<string, number>;
  disabledMailings: number;
  lastDays: number;
  sentLastDays: number;
  failedLastDays: number;
  latestAttempts: Attempt[];
}

const api = new ApiClient();

const Figure: React.FC<{ label: string; value: number; id: string }> = ({ label, value, id }) => (
  <Box variant="card" mr="lg" mb="lg" p="lg" style={{ minWidth: 140 }} data-figure={id}>
    <Text fontSize="xs">{label}</Text>
    <H2 mb="0">{value}</H2>
  </Box>
);

const Dashboard: React.FC = () => {
  const [data, setData] = useState<Data | null>(null);
  useEffect(() => {
    api.getDashboard().then((response) => setData(response.data as Data));
  }, []);
  if (!data) return <Box variant="container"><Text>Loading…</Text></Box>;
  return (
    <Box variant="container" data-testid="dashboard">
      <H2>{data.title}</H2>
      {data.coverage === 'none' ? (
        <Text>Use the menu on the left for your work.</Text>
      ) : (
        <>
          <H4>{data.coverage === 'all' ? 'All mailings' : 'Your mailings'}</H4>
          <Box flex flexWrap="wrap">
            {Object.entries(data.mailingsByStatus).map(([status, count]) => (
              <Figure key={status} id={`status-${status}`} label={status} value={count} />
            ))}
            <Figure id="disabled" label="disabled" value={data.disabledMailings} />
            <Figure id="sent" label={`sent, last ${data.lastDays} days`} value={data.sentLastDays} />
            <Figure id="failed" label={`failed, last ${data.lastDays} days`} value={data.failedLastDays} />
          </Box>
          <H4>Latest attempts</H4>
          <Table>
            <TableHead>
              <TableRow>
                <TableCell>When</TableCell>
                <TableCell>Mailing</TableCell>
                <TableCell>Status</TableCell>
                <TableCell>Sent / failed / recipients</TableCell>
                <TableCell>Server response</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {data.latestAttempts.length === 0 && (
                <TableRow>
                  <TableCell colSpan={5}>No mailing has been sent yet: runs show here with the mail server's answers.</TableCell>
                </TableRow>
              )}
              {data.latestAttempts.map((a) => (
                <TableRow key={a.id}>
                  <TableCell>{new Date(a.attemptedAt).toLocaleString()}</TableCell>
                  <TableCell>{a.mailingId === null ? a.mailingLabel : `#${a.mailingId}`} ({a.trigger})</TableCell>
                  <TableCell>{a.status}</TableCell>
                  <TableCell>{a.sent} / {a.failed} / {a.recipients}</TableCell>
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
