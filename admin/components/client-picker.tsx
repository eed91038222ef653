// The mailing form's picker of the user's own clients (many), writing the array property clientIds.0, clientIds.1, …
import React, { useEffect, useState } from 'react';
import { FormGroup, Label, SelectAsync } from '@adminjs/design-system';
import { ApiClient, flat, useTranslation, type BasePropertyProps, type RecordJSON } from 'adminjs';

type Option = { value: string; label: string };

const api = new ApiClient();
// the design system types SelectAsync as single-select; it passes isMulti through to react-select
const MultiSelect = SelectAsync as unknown as React.FC<Record<string, unknown>>;

function optionOf(record: RecordJSON): Option {
  return { value: String(record.id), label: record.title || `#${record.id}` };
}

function selectedIds(record: RecordJSON | undefined, path: string): string[] {
  const value = flat.get(record?.params ?? {}, path);
  return Array.isArray(value) ? value.map(String).filter((id) => id !== '') : [];
}

const ClientPicker: React.FC<BasePropertyProps> = ({ property, record, onChange, resource }) => {
  const { translateProperty } = useTranslation();
  const ids = selectedIds(record, property.path);
  const [labels, setLabels] = useState<Record<string, string>>({});
  const reference = property.reference ?? 'clients';

  // the search action is scoped to the user's own clients on the server, whatever is typed here
  const load = (query: string): Promise<Option[]> =>
    api.searchRecords({ resourceId: reference, query }).then((records) => records.map(optionOf));

  useEffect(() => {
    load('').then((options) => setLabels((known) => ({ ...known, ...Object.fromEntries(options.map((o) => [o.value, o.label])) })));
  }, [reference]);

  const value = ids.map((id) => ({ value: id, label: labels[id] ?? `#${id}` }));

  const change = (selected: readonly Option[] | null): void => {
    const chosen = (selected ?? []).map((option) => option.value);
    setLabels((known) => ({ ...known, ...Object.fromEntries((selected ?? []).map((o) => [o.value, o.label])) }));
    if (!record || !onChange) return;
    const params = flat.set(record.params, property.path, chosen);
    onChange({ ...record, params });
  };

  const error = record?.errors?.[property.path];
  return (
    <FormGroup error={Boolean(error)}>
      <Label required={property.isRequired}>{translateProperty(property.label, resource.id)}</Label>
      <MultiSelect
        isMulti
        cacheOptions
        defaultOptions
        loadOptions={load}
        value={value as never}
        onChange={(selected: unknown) => change(selected as Option[] | null)}
        inputId={`picker-${property.path}`}
        placeholder="Type to find your clients…"
      />
      {error ? <div className="client-picker-error" style={{ color: '#c20012', marginTop: 4 }}>{error.message}</div> : null}
    </FormGroup>
  );
};

export default ClientPicker;
