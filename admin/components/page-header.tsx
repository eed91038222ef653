// Every page's heading and the browser tab's title name what is on the page (AdminJS's ActionHeader, wrapped):
// a list is headed by its resource ("Mailings"), a record's page by the resource and the record's title
// ("Mailings · November news"), another action by the action and what it acts on. The words come from the
// catalogue (components.PageTitle); AdminJS's own header is drawn as it is, with our heading for its title.
import React, { useEffect } from 'react';
import { OriginalActionHeader, useTranslation, type ActionHeaderProps } from 'adminjs';

/** The catalogue key under which this page's heading is given to AdminJS's header (which translates its title). */
const headingKey = (action: string): string => `pageHeading_${action}`;

const PageHeader: React.FC<ActionHeaderProps> = (props) => {
  const { tl, ta, tc, i18n } = useTranslation();
  const { resource, record, action } = props;
  const resourceName = tl(resource.name, resource.id);
  const actionName = ta(action.label, resource.id);
  const title = record ? record.title || `#${record.id}` : '';
  const page = (key: string): string => tc(`PageTitle.${key}`, resource.id, { resource: resourceName, action: actionName, title });
  const heading = action.name === 'list' ? page('list') : record ? page(action.name === 'show' ? 'record' : 'recordAction') : page('resourceAction');
  // AdminJS's header asks the catalogue for its title by the action's label: this page's heading is put there
  i18n.addResource(i18n.language, 'translation', `resources.${resource.id}.actions.${headingKey(action.name)}`, heading, { silent: true });
  const documentTitle = tc('PageTitle.document', resource.id, { page: heading });
  useEffect(() => {
    document.title = documentTitle;
  }, [documentTitle]);
  return <OriginalActionHeader {...props} action={{ ...action, label: headingKey(action.name) }} />;
};

export default PageHeader;
