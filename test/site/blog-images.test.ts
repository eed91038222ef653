// Which image a blog post may have: an upload of that very post, or an image shipped with the site.
import { expect } from 'chai';
import { isUploadOf, newUploadKey, shownImage } from '../../src/site/blog-images.js';

describe('blog post images', () => {
  it('when a key is made for a post, then it is an upload of that post and of no other', () => {
    const key = newUploadKey(12, '.png');

    expect(key).to.match(/^\/uploads\/blog\/12\/[0-9a-f-]{36}\.png$/);
    expect(isUploadOf(12, key)).to.equal(true);
    expect(isUploadOf('12', key)).to.equal(true);
    expect(isUploadOf(1, key)).to.equal(false);
    expect(isUploadOf(123, key)).to.equal(false);
  });

  const refused = [
    '/admin/logout',
    '/uploads/blog/7/../8/0b5e1c44-9f7e-4d5b-8f53-1d2c3b4a5e6f.png',
    '/uploads/blog/7/0b5e1c44-9f7e-4d5b-8f53-1d2c3b4a5e6f.html',
    '/uploads/blog/7/0b5e1c44-9f7e-4d5b-8f53-1d2c3b4a5e6f.png?x=1',
    '/uploads/blog/8/0b5e1c44-9f7e-4d5b-8f53-1d2c3b4a5e6f.png',
    '//evil.example/pixel.gif',
    'https://evil.example/pixel.gif',
    '/static/blog/../../admin/logout',
    '/static/site.css',
    '',
  ];
  for (const image of refused) {
    it(`when post 7's image is ${JSON.stringify(image)}, then nothing is shown`, () => {
      expect(shownImage(7, image)).to.equal(null);
    });
  }

  it('when the image is an upload of the post or a shipped image, then it is shown as it is', () => {
    const own = '/uploads/blog/7/0b5e1c44-9f7e-4d5b-8f53-1d2c3b4a5e6f.webp';

    expect(shownImage(7, own)).to.equal(own);
    expect(shownImage(7, '/static/blog/welcome.svg')).to.equal('/static/blog/welcome.svg');
    expect(shownImage(7, null)).to.equal(null);
  });
});
