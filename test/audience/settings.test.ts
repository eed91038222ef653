// The import's setting: IMPORT_MAX_MB, validated by src/config.ts with a message naming the variable.
import { expect } from 'chai';
import { loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';

describe('the import setting', () => {
  it('when IMPORT_MAX_MB is unset, then an import accepts files up to 20 MB', () => {
    expect(loadConfig({}).importMaxBytes).to.equal(20 * 1024 * 1024);
  });

  it('when IMPORT_MAX_MB is 5, then an import accepts files up to 5 MB', () => {
    expect(loadConfig({ IMPORT_MAX_MB: '5' }).importMaxBytes).to.equal(5 * 1024 * 1024);
  });

  for (const value of ['0', '2000', 'big', '1.5']) {
    it(`when IMPORT_MAX_MB is "${value}", then the configuration is refused naming IMPORT_MAX_MB and its range`, () => {
      let error: unknown;
      try {
        loadConfig({ IMPORT_MAX_MB: value });
      } catch (caught) {
        error = caught;
      }
      expect(error).to.be.instanceOf(ConfigError);
      expect((error as Error).message).to.contain('IMPORT_MAX_MB').and.to.contain('from 1 to 1024');
    });
  }
});
