// The mailing form's picker of the user's own tags: every client carrying one of the chosen tags when a run starts
// receives it. Sends the chosen ids as ONE form value "3,7".
import React, { useEffect, useMemo, useState } from 'react';
import { Box, FormGroup, Label, SelectAsync, Text } from '@adminjs/design-system';
import { flat, useTranslation, type BasePropertyProps } from 'adminjs';

type Option = { value: string; label: string };
type Tag = { id: number; name: string; clients: number };

async function findTags(query: string): Promise<Tag[]> {
  const response = await fetch(`/admin/api/tag-picker?q=${encodeURIComponent(query)}`, { credentials: 'same-origin' });
  if (!response.ok) return [];
  return ((await response.json()) as { tags: Tag[] }).tags;
}

const TagPicker: React.FC<BasePropertyProps> = ({ property, record, onChange, resource }) => {
  const { translateProperty, translateMessage } = useTranslation();
  const raw = String(flat.get(record?.params ?? {}, property.path) ?? '');
  const ids = useMemo(() => [...new Set(raw.split(',').map((id) => id.trim()).filter(Boolean))], [raw]);
  const [names, setNames] = useState<Map<string, string>>(new Map());
  const given = String(flat.get(record?.params ?? {}, 'tagNames') ?? '');

  // the names of the tags already chosen come with the record ("3:vip|7:Москва")
  useEffect(() => {
    if (!given) return;
    setNames((known) => new Map([...known, ...given.split('|').filter(Boolean).map((pair): [string, string] => {
      const at = pair.indexOf(':');
      return [pair.slice(0, at), pair.slice(at + 1)];
    })]));
  }, [given]);

  const load = (query: string): Promise<Option[]> =>
    findTags(query).then((tags) => tags.map((tag) => ({ value: String(tag.id), label: `${tag.name} (${tag.clients.toLocaleString()})` })));
  const write = (next: string[]): void => {
    if (onChange) onChange(property.path, next.join(','));
  };
  const error = record?.errors?.[property.path];
  return (
    <FormGroup error={Boolean(error)}>
      <Label>{translateProperty(property.label, resource.id)}</Label>
      <SelectAsync
        cacheOptions
        defaultOptions
        loadOptions={load}
        value={null}
        inputId={`picker-${property.path}`}
        placeholder={translateMessage('tagPickerPlaceholder', resource.id)}
        isOptionDisabled={(option: unknown) => ids.includes((option as Option).value)}
        onChange={(selected: unknown) => {
          const option = selected as Option | null;
          if (!option || ids.includes(option.value)) return;
          setNames((known) => new Map(known).set(option.value, option.label.replace(/ \([\d\s,. ]+\)$/, '')));
          write([...ids, option.value]);
        }}
      />
      <Box mt="default" flex flexDirection="row" style={{ flexWrap: 'wrap', gap: 4 }} className="tag-picker-chosen">
        {ids.length === 0 ? <Text>{translateMessage('tagPickerNone', resource.id)}</Text> : null}
        {ids.map((id) => (
          <span key={id} className="tag-picker-chip" style={{ border: '1px solid #c0c0ca', borderRadius: 12, padding: '2px 4px 2px 10px' }}>
            {names.get(id) ?? `#${id}`}
            <button type="button" aria-label={`× ${names.get(id) ?? id}`} onClick={() => write(ids.filter((other) => other !== id))} style={{ border: 0, background: 'none', cursor: 'pointer' }}>
              ×
            </button>
          </span>
        ))}
      </Box>
      {error ? <div style={{ color: '#c20012', marginTop: 4 }}>{error.message}</div> : null}
    </FormGroup>
  );
};

export default TagPicker;
