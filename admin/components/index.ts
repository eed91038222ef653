// The one registry of the back office's custom React components (bundled by AdminJS at start).
import path from 'node:path';
import { ComponentLoader } from 'adminjs';
import { projectRoot } from '../../src/paths.js';

export const componentLoader = new ComponentLoader();

// the .tsx sources are bundled, also when running from dist/ (they are not compiled there)
const source = (name: string): string => path.join(projectRoot, 'admin', 'components', name);

export const Components = {
  ClientPicker: componentLoader.add('ClientPicker', source('client-picker.tsx')),
  ConfirmAction: componentLoader.add('ConfirmAction', source('confirm-action.tsx')),
  Dashboard: componentLoader.add('Dashboard', source('dashboard.tsx')),
  ImportClients: componentLoader.add('ImportClients', source('import-clients.tsx')),
  ExportClients: componentLoader.add('ExportClients', source('export-clients.tsx')),
  TagPicker: componentLoader.add('TagPicker', source('tag-picker.tsx')),
  LiveProgress: componentLoader.add('LiveProgress', source('live-progress.tsx')),
  MessagePreview: componentLoader.add('MessagePreview', source('message-preview.tsx')),
  EditNote: componentLoader.add('EditNote', source('edit-note.tsx')),
  Permissions: componentLoader.add('Permissions', source('permissions.tsx')),
  AttemptDeliveries: componentLoader.add('AttemptDeliveries', source('attempt-deliveries.tsx')),
};

// the login page: the product's name, the e-mail kept after a failure, links to sign-up and forgotten password
componentLoader.override('Login', source('login.tsx'));

// every date-time of every screen in the person's zone, named (AdminJS's own components replaced)
componentLoader.override('DefaultDatetimeShowProperty', source('date-time-show.tsx'));
componentLoader.override('DefaultDatetimeListProperty', source('date-time-list.tsx'));
componentLoader.override('DefaultDatetimeEditProperty', source('date-time-edit.tsx'));
// every page's heading and tab title name the resource; statuses are coloured badges in the screen's language
componentLoader.override('ActionHeader', source('page-header.tsx'));
componentLoader.override('DefaultPropertyValue', source('property-value.tsx'));
