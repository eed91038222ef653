// A message gets an HTML body (sanitised when saved) beside its plain-text part, which stays in `body`:
// `text_custom` says whether that text was written by hand or is generated from the HTML. An existing plain body
// becomes the same text shown as HTML (escaped, blank lines as paragraphs, line breaks kept) and stays the text part.
// A message written without HTML (html '', e.g. by an older script) is sent as plain text only.
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    ALTER TABLE messages ADD COLUMN html text;
    UPDATE messages SET html = '<p>' || regexp_replace(regexp_replace(
        replace(replace(replace(replace(body, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'),
        E'\\r?\\n\\r?\\n', E'</p>\\n<p>', 'g'), E'\\r?\\n', '<br>', 'g') || '</p>';
    ALTER TABLE messages ALTER COLUMN html SET DEFAULT '';
    ALTER TABLE messages ALTER COLUMN html SET NOT NULL;
    ALTER TABLE messages ADD COLUMN text_custom boolean NOT NULL DEFAULT false;
  `);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query(`
    ALTER TABLE messages DROP COLUMN text_custom;
    ALTER TABLE messages DROP COLUMN html;
  `);
}
