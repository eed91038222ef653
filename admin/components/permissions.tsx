// A group's permissions by their names in the person's language: a comma-separated list on the list and show pages,
// labelled checkboxes (one per permission of src/access) on the form, which sends the chosen ones as an array
// (none: AdminJS's empty-array marker, read back as []).
import React from 'react';
import { Box, CheckBox, FormGroup, Label, Text, ValueGroup } from '@adminjs/design-system';
import { flat, useTranslation, type BasePropertyProps } from 'adminjs';

function chosenOf(params: Parameters<typeof flat.get>[0] | undefined, path: string): string[] {
  const value = flat.get(params ?? {}, path) as unknown;
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string') return value.split(',').map((item) => item.trim()).filter(Boolean);
  return [];
}

const Permissions: React.FC<BasePropertyProps> = ({ property, record, resource, onChange, where }) => {
  const { translateLabel, translateProperty } = useTranslation();
  const chosen = chosenOf(record?.params, property.path);
  // "mailing.view_all" → labels.permissions.mailing.view_all ("See every mailing")
  const name = (permission: string): string => translateLabel(`permissions.${permission}`, resource.id, { defaultValue: permission });

  if (where === 'list') return <Text>{chosen.map(name).join(', ')}</Text>;
  if (where === 'show') {
    return (
      <ValueGroup label={translateProperty(property.label, resource.id)}>
        {chosen.length === 0 ? '—' : chosen.map((permission) => <div key={permission}>{name(permission)}</div>)}
      </ValueGroup>
    );
  }

  const all = (property.availableValues ?? []).map((option) => String(option.value));
  const error = record?.errors?.[property.path];
  const toggle = (permission: string): void => {
    const next = chosen.includes(permission) ? chosen.filter((other) => other !== permission) : [...chosen, permission];
    // in the list's order, whatever order they were clicked in
    onChange?.(property.path, all.filter((item) => next.includes(item)));
  };
  return (
    <FormGroup error={Boolean(error)}>
      <Label>{translateProperty(property.label, resource.id)}</Label>
      <Box flex flexDirection="column" style={{ gap: 8 }}>
        {all.map((permission) => {
          const id = `permission-${permission.replace(/\W/g, '-')}`;
          return (
            <Box key={permission} flex flexDirection="row" style={{ alignItems: 'center', gap: 8 }}>
              <CheckBox id={id} name={`${property.path}-${permission}`} value={permission} checked={chosen.includes(permission)} onChange={() => toggle(permission)} />
              <Label inline htmlFor={id} mb="0">
                {name(permission)}
              </Label>
            </Box>
          );
        })}
      </Box>
      {error ? <div style={{ color: '#c20012', marginTop: 4 }}>{error.message}</div> : null}
    </FormGroup>
  );
};

export default Permissions;
