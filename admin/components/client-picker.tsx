// The mailing form's picker of the user's own clients: search and add one by one, remove, and send the chosen ids
// as ONE form value "12,15,20" (a mailing to 10,000 clients is one field, not 10,000). The chosen clients are
// named from one answer of the mailing's `recipients` action, not one request per id. The search (the back
// office's /api/client-picker) matches a piece of the e-mail or the name and shows both; "all matching" adds every
// matching client's id as it is now (at most 10,000; with nothing typed it offers "all my clients" instead, the
// mailing's audienceAll, resolved when each run starts).
import React, { useEffect, useMemo, useState } from 'react';
import { Box, Button, FormGroup, Label, SelectAsync, Text } from '@adminjs/design-system';
import { ApiClient, flat, useTranslation, type BasePropertyProps, type RecordJSON } from 'adminjs';


type Option = { value: string; label: string };

const api = new ApiClient();
/** Chips drawn before "Show all": a list of thousands is counted, not drawn, until asked. */
const SHOWN = 100;

type Found = { id: number; label: string };

async function getJson<T>(url: string): Promise<T | undefined> {
  const response = await fetch(url, { credentials: 'same-origin' });
  return response.ok ? ((await response.json()) as T) : undefined;
}

/** The ids in the record: one value "1,2,3" (or a JSON array), or the older array shape clientIds.0, … */
function selectedIds(record: RecordJSON | undefined, path: string): string[] {
  const value: unknown = flat.get(record?.params ?? {}, path);
  let items: unknown[] = [];
  if (Array.isArray(value)) items = value;
  else if (typeof value === 'number') items = [value];
  else if (typeof value === 'string') {
    try {
      items = value.trim().startsWith('[') ? (JSON.parse(value) as unknown[]) : value.split(',');
    } catch {
      items = [];
    }
  }
  return [...new Set(items.map((id) => String(id).trim()).filter((id) => id !== ''))];
}

const ClientPicker: React.FC<BasePropertyProps> = ({ property, record, onChange, resource }) => {
  const { translateProperty, translateMessage } = useTranslation();
  const raw = flat.get(record?.params ?? {}, property.path) as unknown;
  const ids = useMemo(() => selectedIds(record, property.path), [raw]);
  const chosen = useMemo(() => new Set(ids), [ids]);
  const [labels, setLabels] = useState<Map<string, string>>(new Map());
  const [showAll, setShowAll] = useState(false);
  const [typed, setTyped] = useState('');
  const [matchingNote, setMatchingNote] = useState('');
  const audienceAll = ['true', true].includes(flat.get(record?.params ?? {}, 'audienceAll') as string | boolean);

  // an existing mailing: every chosen client's label in one request
  useEffect(() => {
    if (!record?.id) return;
    api
      .recordAction({ resourceId: resource.id, recordId: String(record.id), actionName: 'recipients' })
      .then((response) => {
        const named = (response.data as { recipients?: Array<{ id: number; label: string }> }).recipients ?? [];
        setLabels((known) => new Map([...known, ...named.map((r): [string, string] => [String(r.id), r.label])]));
      })
      .catch(() => undefined);
  }, [record?.id, resource.id]);

  // the search is scoped to the user's own clients on the server, whatever is typed here
  const load = (query: string): Promise<Option[]> =>
    getJson<{ clients: Found[] }>(`/admin/api/client-picker?q=${encodeURIComponent(query)}`).then((found) =>
      (found?.clients ?? []).map((client) => ({ value: String(client.id), label: client.label })));

  const addMatching = async (): Promise<void> => {
    if (typed.trim() === '') {
      if (onChange) onChange('audienceAll', 'true');
      setMatchingNote(translateMessage('pickerAllClientsChosen', resource.id));
      return;
    }
    const found = await getJson<{ ids: number[]; more: boolean; labels: Found[] }>(`/admin/api/client-picker/matching?q=${encodeURIComponent(typed)}`);
    if (!found) return;
    setLabels((known) => new Map([...known, ...found.labels.map((client): [string, string] => [String(client.id), client.label])]));
    write([...new Set([...ids, ...found.ids.map(String)])]);
    setMatchingNote(translateMessage(found.more ? 'pickerMatchingTooMany' : 'pickerMatchingAdded', resource.id, { count: found.ids.length }));
  };

  const write = (next: string[]): void => {
    if (onChange) onChange(property.path, next.join(','));
  };

  const add = (option: Option | null): void => {
    if (!option || chosen.has(option.value)) return;
    setLabels((known) => new Map(known).set(option.value, option.label));
    write([...ids, option.value]);
  };

  const remove = (id: string): void => write(ids.filter((other) => other !== id));

  const error = record?.errors?.[property.path];
  const visible = showAll ? ids : ids.slice(0, SHOWN);
  return (
    <FormGroup error={Boolean(error)}>
      <Label required={property.isRequired}>{translateProperty(property.label, resource.id)}</Label>
      <Box mb="sm">
        <Button type="button" size="sm" variant="outlined" onClick={() => void addMatching()} data-testid="picker-all-matching">
          {typed.trim() === '' ? translateMessage('pickerAllClients', resource.id) : translateMessage('pickerAllMatching', resource.id, { query: typed.trim() })}
        </Button>
        {audienceAll ? <Text mt="sm" className="client-picker-all">{translateMessage('pickerAllClientsChosen', resource.id)}</Text> : null}
        {matchingNote && !audienceAll ? <Text mt="sm" className="client-picker-note">{matchingNote}</Text> : null}
      </Box>
      <SelectAsync
        cacheOptions
        defaultOptions
        loadOptions={load}
        value={null}
        isOptionDisabled={(option: unknown) => chosen.has((option as Option).value)}
        onChange={(selected: unknown) => add(selected as Option | null)}
        onInputChange={(value: string, meta: { action: string }) => {
          if (meta.action === 'input-change') setTyped(value);
        }}
        inputId={`picker-${property.path}`}
        placeholder="Type to find your clients…"
      />

      <Box mt="default" className="client-picker-chosen">
        <Text mb="sm">
          {ids.length === 0 ? 'No client chosen yet.' : `${ids.length.toLocaleString('en-US')} client${ids.length === 1 ? '' : 's'} chosen`}
          {ids.length > 0 ? (
            <Button type="button" size="sm" variant="text" ml="default" onClick={() => write([])}>
              Remove all
            </Button>
          ) : null}
        </Text>
        <Box flex flexDirection="row" style={{ flexWrap: 'wrap', gap: 4 }}>
          {visible.map((id) => (
            <span key={id} className="client-picker-chip" style={{ border: '1px solid #c0c0ca', borderRadius: 12, padding: '2px 4px 2px 10px' }}>
              {labels.get(id) ?? `#${id}`}
              <button type="button" aria-label={`Remove ${labels.get(id) ?? id}`} onClick={() => remove(id)} style={{ border: 0, background: 'none', cursor: 'pointer' }}>
                ×
              </button>
            </span>
          ))}
        </Box>
        {ids.length > visible.length ? (
          <Button type="button" size="sm" variant="text" mt="sm" onClick={() => setShowAll(true)}>
            {`and ${(ids.length - visible.length).toLocaleString('en-US')} more: show all`}
          </Button>
        ) : null}
      </Box>
      {error ? <div className="client-picker-error" style={{ color: '#c20012', marginTop: 4 }}>{error.message}</div> : null}
    </FormGroup>
  );
};

export default ClientPicker;
