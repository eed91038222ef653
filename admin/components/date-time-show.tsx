// Every date-time on a record's page (replaces AdminJS's DefaultDatetimeShowProperty): one format per language,
// in the person's zone (their profile's, else APP_TIMEZONE), the zone named.
import React from 'react';
import { ValueGroup } from '@adminjs/design-system';
import { useCurrentAdmin, useTranslation, type BasePropertyProps } from 'adminjs';
import { formatDateTime, formatDay, screenLanguage } from './zoned-time.js';

export function useZonedText(props: BasePropertyProps): string {
  const [currentAdmin] = useCurrentAdmin();
  const { i18n } = useTranslation();
  const value = props.record?.params?.[props.property.path] as string | undefined;
  const language = screenLanguage(i18n.language);
  if (props.property.type === 'date') return formatDay(value, language);
  const zone = (currentAdmin as { timeZone?: string } | null)?.timeZone ?? 'UTC';
  return formatDateTime(value, language, zone);
}

const DateTimeShow: React.FC<BasePropertyProps> = (props) => {
  const { translateProperty } = useTranslation();
  const text = useZonedText(props);
  return <ValueGroup label={translateProperty(props.property.label, props.property.resourceId)}>{text}</ValueGroup>;
};

export default DateTimeShow;
