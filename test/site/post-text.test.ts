// Reducing a post's rich-text HTML to plain paragraphs (the views escape the result).
import { expect } from 'chai';
import { postText } from '../../src/site/post-text.js';
import { excerptOf } from '../../src/site/posts.js';

describe('post text', function () {
  it('when the content is plain text, then it is returned unchanged', function () {
    expect(postText('Line one\nline two\n\n5 > 3 & more')).to.equal('Line one\nline two\n\n5 > 3 & more');
  });

  it('when the content is HTML from the editor, then paragraphs, line breaks and list items survive as text', function () {
    const html = '<h2>Title</h2><p>One<br>two</p><ul><li>first</li><li>second</li></ul><p>1 &lt; 2 &amp;&nbsp;3 &#8364; &#x263A;</p>';

    expect(postText(html)).to.equal('Title\n\nOne\ntwo\n\n• first\n• second\n\n1 < 2 & 3 € ☺');
  });

  it('when the HTML holds scripts, styles, comments or handlers, then none of it is left', function () {
    const html = '<p>Keep</p><script type="text/javascript">alert(1)</script><style>p{}</style><!-- secret --><img src=x onerror="alert(2)"><iframe src="//evil"></iframe>';

    expect(postText(html)).to.equal('Keep');
  });

  it('when an excerpt is made of rich text, then it holds words only, cut at a word boundary', function () {
    const excerpt = excerptOf(`<p>${'word '.repeat(100)}</p>`, 30);

    expect(excerpt).to.match(/^(word ){5}word…$/);
    expect(excerpt).to.not.contain('<');
  });
});
