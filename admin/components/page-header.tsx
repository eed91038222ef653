// Every page's heading and the browser tab's title name what is on the page (AdminJS's ActionHeader, wrapped):
// a list is headed by its resource ("Mailings"), a record's page by the resource and the record's title
// ("Mailings · November news"), another action by the action and what it acts on. The words are the catalogue's
// names of the resource and the action; AdminJS's own header is drawn as it is, with our heading for its title.
import React, { useEffect } from 'react';
import { OriginalActionHeader, useTranslation, type ActionHeaderProps } from 'adminjs';
import { documentTitle } from './page-title.js';

/** The catalogue key under which this page's heading is given to AdminJS's header (which translates its title). */
const headingKey = (action: string): string => `pageHeading_${action}`;

/** A word joiner (U+2060): no width, no break, nothing a reader sees. */
const JOINER = '\u2060';

/**
 * The heading as a catalogue value that i18next shows as it is: a record's title may hold "{{ name }}" (a message's
 * subject) or "$t(", which i18next would fill in (to nothing) or nest; a word joiner inside each keeps the text.
 */
const literalForI18next = (text: string): string => text.replace(/\{\{/g, `{${JOINER}{`).replace(/\$t\(/g, `$${JOINER}t(`);

const PageHeader: React.FC<ActionHeaderProps> = (props) => {
  const { tl, ta, i18n } = useTranslation();
  const { resource, record, action } = props;
  const resourceName = tl(resource.name, resource.id);
  const actionName = ta(action.label, resource.id);
  const title = record ? record.title || `#${record.id}` : '';
  const heading =
    action.name === 'list'
      ? resourceName
      : record
        ? `${action.name === 'show' ? resourceName : actionName} · ${title}`
        : `${actionName} · ${resourceName}`;
  // AdminJS's header asks the catalogue for its title by the action's label: this page's heading is put there
  i18n.addResource(i18n.language, 'translation', `resources.${resource.id}.actions.${headingKey(action.name)}`, literalForI18next(heading), { silent: true });
  useEffect(() => {
    document.title = documentTitle(heading);
  }, [heading]);
  return <OriginalActionHeader {...props} action={{ ...action, label: headingKey(action.name) }} />;
};

export default PageHeader;
