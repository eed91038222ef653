// The mailing form's picker of the user's own clients: search and add one by one, remove, and send the chosen ids
// as ONE form value "12,15,20" (a mailing to 10,000 clients is one field, not 10,000). The chosen clients are
// named from one answer of the mailing's `recipients` action, not one request per id.
import React, { useEffect, useMemo, useState } from 'react';
import { Box, Button, FormGroup, Label, SelectAsync, Text } from '@adminjs/design-system';
import { ApiClient, flat, useTranslation, type BasePropertyProps, type RecordJSON } from 'adminjs';

type Option = { value: string; label: string };

const api = new ApiClient();
/** Chips drawn before "Show all": a list of thousands is counted, not drawn, until asked. */
const SHOWN = 100;

function optionOf(record: RecordJSON): Option {
  return { value: String(record.id), label: record.title || `#${record.id}` };
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
  const { translateProperty } = useTranslation();
  const raw = flat.get(record?.params ?? {}, property.path) as unknown;
  const ids = useMemo(() => selectedIds(record, property.path), [raw]);
  const chosen = useMemo(() => new Set(ids), [ids]);
  const [labels, setLabels] = useState<Map<string, string>>(new Map());
  const [showAll, setShowAll] = useState(false);
  const reference = (property.custom as { reference?: string } | undefined)?.reference ?? 'clients';

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

  // the search action is scoped to the user's own clients on the server, whatever is typed here
  const load = (query: string): Promise<Option[]> =>
    api.searchRecords({ resourceId: reference, query }).then((records) => records.map(optionOf));

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
      <SelectAsync
        cacheOptions
        defaultOptions
        loadOptions={load}
        value={null}
        isOptionDisabled={(option: unknown) => chosen.has((option as Option).value)}
        onChange={(selected: unknown) => add(selected as Option | null)}
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
