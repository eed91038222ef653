// The message templates and HTML checks on their own (src/messages/template.ts, sanitise.ts, compose.ts).
import { expect } from 'chai';
import { compileMessage, htmlToText, MessageProblemsError, prepareMessage } from '../../src/messages/compose.js';
import { sanitiseMessageHtml } from '../../src/messages/sanitise.js';
import { compileTemplate, templateProblem } from '../../src/messages/template.js';
import { XSS_PAYLOADS } from './xss-payloads.js';

const ANNA = { name: 'Анна Петрова', email: 'anna@example.test', comment: 'VIP', unsubscribe_url: 'https://x.test/u/1' };

function problemsOf(draft: Parameters<typeof prepareMessage>[0]): MessageProblemsError['problems'] {
  try {
    prepareMessage(draft);
  } catch (error) {
    if (error instanceof MessageProblemsError) return error.problems;
    throw error;
  }
  return expect.fail('expected the draft to be refused');
}


describe('message templates', function () {
  it('when a template uses the four variables, then each renders the recipient\'s value', () => {
    const out = compileTemplate('{{ name }}|{{ email }}|{{ comment }}|{{ unsubscribe_url }}', { html: false }).render(ANNA);
    expect(out).to.equal('Анна Петрова|anna@example.test|VIP|https://x.test/u/1');
  });

  it('when a variable is empty, then `default` gives its fallback, and a filled one is kept', () => {
    const template = compileTemplate('Hello {{ name | default: "friend" }}', { html: false });
    expect(template.render({ ...ANNA, name: '' })).to.equal('Hello friend');
    expect(template.render(ANNA)).to.equal('Hello Анна Петрова');
  });

  it('when the HTML editor wrote the quotes of a default as &quot;, then the template still parses and works', () => {
    const template = compileTemplate('<p>Hi {{ name | default: &quot;friend&quot; }}</p>', { html: true });
    expect(template.render({ ...ANNA, name: '' })).to.equal('<p>Hi friend</p>');
  });

  it('when the editor turned the quotes of a default into typographic ones, then the template still parses and works', () => {
    const template = compileTemplate('<p>Hi {{ name | default: \u201Cfriend\u201D }} and {{ name | default: \u00ABдруг\u00BB }}</p>', { html: true });
    expect(template.render({ ...ANNA, name: '' })).to.equal('<p>Hi friend and друг</p>');
  });

  it('when a value holds HTML, then the HTML part shows it escaped and the text part as it is', () => {
    const data = { ...ANNA, name: '<b>Bob</b> & "Co"' };
    expect(compileTemplate('<p>{{ name }}</p>', { html: true }).render(data)).to.equal('<p>&lt;b&gt;Bob&lt;/b&gt; &amp; &#34;Co&#34;</p>');
    expect(compileTemplate('{{ name }}', { html: false }).render(data)).to.equal('<b>Bob</b> & "Co"');
  });

  it('when a template has only variables and defaults, then its fast rendering gives exactly what Liquid gives', () => {
    const values = [ANNA, { ...ANNA, name: '' }, { ...ANNA, name: '<b>"Bo" & \'Co\'</b>', comment: '' }];
    for (const source of [
      'Hi {{ name }}', '{{name}}!', '<p>Hi {{ name | default: "friend" }}, {{ email }} / {{ comment | default: \'<none>\' }}</p>',
      '{{ unsubscribe_url }} {{  name  |  default:  "x"  }}', 'plain text, no variables', '<p>{{ name | default: "a & b" }}</p>',
    ]) {
      for (const html of [true, false]) {
        const template = compileTemplate(source, { html });
        for (const data of values) expect(template.render(data), `${source} (${html ? 'html' : 'text'})`).to.equal(template.renderWithLiquid(data));
      }
    }
  });

  it('when a template does not parse, then the problem names the line and the reason', () => {
    expect(templateProblem('Hello\n\n{% if name %}no end', { html: false })).to.deep.equal({ code: 'syntax', line: 3, reason: 'tag {% if name %} not closed' });
    expect(templateProblem('Hello\n{{ name | shout }}', { html: false })).to.deep.equal({ code: 'syntax', line: 2, reason: 'undefined filter: shout' });
  });

  it('when a template uses an unknown variable, then it is refused with the line and the name', () => {
    expect(templateProblem('Hi\n{{ first_name }}', { html: false })).to.deep.equal({ code: 'unknownVariable', line: 2, name: 'first_name' });
  });

  it('when a template reaches for the process, the environment or object internals, then it is refused as unknown', () => {
    for (const [source, name] of [
      ['{{ process }}', 'process'],
      ['{{ process.env.HOME }}', 'process.env.HOME'],
      ['{{ global }}', 'global'],
      ['{{ name.constructor }}', 'name.constructor'],
      ['{{ this }}', 'this'],
      ['{% if env %}x{% endif %}', 'env'],
    ]) {
      expect(templateProblem(source!, { html: false }), source).to.deep.equal({ code: 'unknownVariable', line: 1, name });
    }
  });

  it('when a template includes, renders or lays out another file, then the tag is refused', () => {
    for (const tag of ['include', 'render', 'layout']) {
      expect(templateProblem(`a\n{% ${tag} "/etc/passwd" %}`, { html: false }), tag).to.deep.equal({ code: 'forbiddenTag', line: 2, name: tag });
    }
  });

  it('when a template would loop millions of times, then rendering stops with an error instead of holding the send loop', () => {
    const template = compileTemplate('{% for i in (1..100000000) %}{{ i }}{% endfor %}', { html: false });
    expect(() => template.render(ANNA)).to.throw(/memory alloc limit exceeded/);
  });

  it('when a draft holds a template too costly to fill in, then it is refused when saved', () => {
    expect(problemsOf({ subject: 'Hi', html: '<p>{% for i in (1..100000000) %}{{ i }}{% endfor %}</p>' }).html).to.deep.include({ code: 'tooCostly' });
    // nested loops that stay under the memory limit are caught by the time limit of the trial
    const nested = '{% for i in (1..5000) %}{% for j in (1..5000) %}{{ j }}{% endfor %}{% endfor %}';
    expect(problemsOf({ subject: nested, html: '<p>x</p>' }).subject).to.deep.include({ code: 'tooCostly' });
  });
});

describe('message HTML', function () {
  it('when a body holds XSS payloads, then none survives sanitising and the harmless content stays', () => {
    for (const { html, forbidden } of XSS_PAYLOADS) {
      const result = sanitiseMessageHtml(html);
      expect(result.ok, html).to.equal(true);
      expect((result as { html: string }).html, html).not.to.match(forbidden);
    }
    expect(sanitiseMessageHtml('<p style="color: red"><a href="https://a.test/">a</a> <img src="https://img.test/a.png" alt="x"></p>')).to.deep.equal({
      ok: true,
      html: '<p style="color:red"><a href="https://a.test/">a</a> <img alt="x" src="https://img.test/a.png" /></p>',
    });
  });

  it('when an image is pasted as a data: URL, then the body is refused; a relative image address is dropped', () => {
    expect(sanitiseMessageHtml(`<p>x<img src="data:image/png;base64,${'A'.repeat(1000)}"></p>`)).to.deep.equal({ ok: false, problem: { code: 'embeddedImage', count: 1 } });
    expect(sanitiseMessageHtml('<p>x<img src="/local.png"></p>')).to.deep.equal({ ok: true, html: '<p>x</p>' });
  });

  it('when the text part is generated, then variables survive headings and links as "text [url]"', () => {
    expect(htmlToText('<h1>Hi {{ name }}</h1><p>Read <a href="https://a.test/x">this</a>.</p>')).to.equal('Hi {{ name }}\n\nRead this [https://a.test/x].');
  });

  it('when a draft has a bad subject and an unknown variable in the HTML, then both fields are named', () => {
    expect(problemsOf({ subject: 'Hi {{ name', html: '<p>{{ nmae }}</p>' })).to.deep.equal({
      subject: { code: 'syntax', line: 1, reason: 'output "{{ name" not closed' },
      html: { code: 'unknownVariable', line: 1, name: 'nmae' },
    });
  });

  it('when a message is compiled, then each recipient gets their own subject, HTML and text', () => {
    const prepared = prepareMessage({ subject: 'Для {{ name }}', html: '<p>Hello {{ name | default: "friend" }}</p>' });
    const compiled = compileMessage(prepared);
    expect(compiled.render({ name: 'Анна', email: 'a@x.test', comment: null })).to.deep.equal({ subject: 'Для Анна', html: '<p>Hello Анна</p>', text: 'Hello Анна' });
    expect(compiled.render({ name: null, email: 'b@x.test', comment: null })).to.deep.equal({ subject: 'Для', html: '<p>Hello friend</p>', text: 'Hello friend' });
  });
});
