// A value chosen from a list (AdminJS's DefaultPropertyValue, replaced): the word in the screen's language in a
// badge, and for statuses (attempt, delivery, mailing) a badge coloured by the status (status-colours.ts).
import React from 'react';
import { Badge } from '@adminjs/design-system';
import { useTranslation, type BasePropertyProps } from 'adminjs';
import { STATUS_PROPERTIES, statusVariant } from './status-colours.js';

const PropertyValue: React.FC<BasePropertyProps> = ({ property, record, resource }) => {
  const { tl } = useTranslation();
  const raw = record?.params?.[property.path] as unknown;
  if (raw === undefined) return null;
  const option = property.availableValues?.find((choice) => choice.value == raw);
  if (!option) return <>{String(raw ?? '')}</>;
  const label = option.label || String(raw);
  const word = tl(`${property.propertyPath}.${label}`, resource.id, { defaultValue: label });
  if (!STATUS_PROPERTIES.has(property.path)) return <Badge>{word}</Badge>;
  return (
    <Badge variant={statusVariant(raw)} data-status={String(raw)}>
      {word}
    </Badge>
  );
};

export default PropertyValue;
