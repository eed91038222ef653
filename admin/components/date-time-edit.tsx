// Every date-time field of a form (replaces AdminJS's DefaultDatetimeEditProperty): the browser's own date-and-time
// picker (a time is set as easily as a date), typed in the person's zone, which the field names; the form sends
// the moment it means (ISO, UTC). Date-only fields keep a date picker.
import React from 'react';
import { FormGroup, FormMessage, Input, Label, Text } from '@adminjs/design-system';
import { useCurrentAdmin, useTranslation, type EditPropertyProps } from 'adminjs';
import { fromWallTime, screenLanguage, toWallTime, zoneName } from './zoned-time.js';

const DateTimeEdit: React.FC<EditPropertyProps> = ({ property, record, onChange }) => {
  const [currentAdmin] = useCurrentAdmin();
  const { translateProperty, translateComponent, tm, i18n } = useTranslation();
  const zone = (currentAdmin as { timeZone?: string } | null)?.timeZone ?? 'UTC';
  const value = (record?.params?.[property.path] as string | undefined) ?? '';
  const error = record?.errors?.[property.path];
  const id = `field-${property.path}`;
  const isDate = property.type === 'date';
  return (
    <FormGroup error={Boolean(error)}>
      <Label htmlFor={id} required={property.isRequired}>
        {translateProperty(property.label, property.resourceId)}
      </Label>
      <Input
        id={id}
        name={property.path}
        type={isDate ? 'date' : 'datetime-local'}
        value={isDate ? value.slice(0, 10) : toWallTime(value, zone)}
        disabled={property.isDisabled}
        aria-describedby={isDate ? undefined : `${id}-zone`}
        onChange={(event: React.ChangeEvent<HTMLInputElement>) => {
          const typed = event.target.value;
          onChange(property.path, isDate ? typed : typed === '' ? '' : (fromWallTime(typed, zone) ?? typed));
        }}
      />
      {!isDate && (
        <Text id={`${id}-zone`} fontSize="sm" mt="sm" data-zone-hint={zone}>
          {translateComponent('DateTime.zoneHint', { zone: zoneName(zone, screenLanguage(i18n.language), value ? new Date(value) : new Date()) })}
        </Text>
      )}
      <FormMessage>{error && tm(error.message, property.resourceId)}</FormMessage>
    </FormGroup>
  );
};

export default DateTimeEdit;
