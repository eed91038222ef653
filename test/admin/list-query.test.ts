// Unit test of the list query checks: which ids, filter values and paging reach SQL, and which are a 400.
import { expect } from 'chai';
import { BadQueryError, checkFilterValue, checkPaging, isIdWithin, maxIdOf } from '../../admin/list-query.js';

describe('list query checks', () => {
  it('when an id is past its column type or not a plain whole number from 1, then it is not an id', () => {
    expect(isIdWithin('2147483647')).to.equal(true);
    expect(isIdWithin(2147483647)).to.equal(true);
    for (const bad of ['2147483648', '0', '-1', '1e3', '01', ' 1', '1.0', 'abc', '', null, undefined, {}]) expect(isIdWithin(bad), String(bad)).to.equal(false);
    expect(isIdWithin('9223372036854775807', maxIdOf('BIGINT'))).to.equal(true);
    expect(isIdWithin('9223372036854775808', maxIdOf('BIGINT'))).to.equal(false);
    expect(isIdWithin('2147483648', maxIdOf('INTEGER'))).to.equal(false);
  });

  it('when a filter value fits its property type, then it is passed on (dates as ISO); otherwise a BadQueryError names the filter', () => {
    expect(checkFilterValue('ownerId', 'reference', '7')).to.equal('7');
    expect(checkFilterValue('sentCount', 'number', '-3')).to.equal('-3');
    expect(checkFilterValue('isSuperuser', 'boolean', 'false')).to.equal('false');
    expect(checkFilterValue('createdAt', 'datetime', { from: '2026-01-31', to: '' })).to.deep.equal({ from: '2026-01-31T00:00:00.000Z' });
    expect(checkFilterValue('email', 'string', 'a@b')).to.equal('a@b');

    const refused: Array<[string, string, unknown]> = [
      ['ownerId', 'reference', '0'],
      ['ownerId', 'reference', '99999999999'],
      ['sentCount', 'number', '1.5'],
      ['isSuperuser', 'boolean', 'yes'],
      ['createdAt', 'datetime', 'abc'],
      ['createdAt', 'datetime', { from: '1' }],
      ['createdAt', 'datetime', { to: '0999-12-31' }],
      ['email', 'string', { nested: 'x' }],
      ['email', 'string', 'x'.repeat(501)],
    ];
    for (const [path, type, value] of refused) {
      expect(() => checkFilterValue(path, type, value), `${path} ${JSON.stringify(value)}`).to.throw(BadQueryError, new RegExp(`^Filter "${path}"`));
    }
  });

  it('when perPage is outside 1..500 or the page would start before the first row, then paging is a BadQueryError', () => {
    expect(() => checkPaging(1, 0)).to.not.throw();
    expect(() => checkPaging(500, 1_000_000)).to.not.throw();
    for (const [limit, offset] of [[0, 0], [501, 0], [Number.NaN, 0], [20, -120], [20, 1.5], [20, 1e300]] as const) {
      expect(() => checkPaging(limit, offset), `${limit}/${offset}`).to.throw(BadQueryError);
    }
  });
});
