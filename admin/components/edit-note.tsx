// A sentence on a form, above the fields (the mailing edit screen: "saving changes the future runs only").
import React from 'react';
import { Box, MessageBox } from '@adminjs/design-system';
import { useTranslation, type BasePropertyProps } from 'adminjs';

const EditNote: React.FC<BasePropertyProps> = ({ property, record, resource }) => {
  const { translateMessage } = useTranslation();
  // only when changing a mailing that exists: a new one has nothing sent yet
  if (!record?.id) return null;
  const key = (property.custom as { message?: string } | undefined)?.message ?? '';
  return (
    <Box mb="xl" data-testid="edit-note">
      <MessageBox variant="info" message={translateMessage(key, resource.id)} />
    </Box>
  );
};

export default EditNote;
