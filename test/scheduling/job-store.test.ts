// Which job store Agenda uses: the service's PostgreSQL unless MONGODB_URL is set (no MongoDB server runs here).
import { expect } from 'chai';
import { chooseJobStore, createJobStoreBackend } from '../../src/scheduling/job-store.js';

describe('choosing the job store', () => {
  it('when MONGODB_URL is unset, then jobs live in the same PostgreSQL as the data', () => {
    expect(chooseJobStore({ mongodbUrl: undefined }, 'postgres://u:p@127.0.0.1:5432/mailing')).to.deep.equal({
      kind: 'postgres',
      url: 'postgres://u:p@127.0.0.1:5432/mailing',
    });
  });

  it('when MONGODB_URL is set, then jobs live in MongoDB through the mongo backend', async () => {
    const choice = chooseJobStore({ mongodbUrl: 'mongodb://127.0.0.1:27017/agenda' }, 'postgres://ignored');
    expect(choice).to.deep.equal({ kind: 'mongodb', url: 'mongodb://127.0.0.1:27017/agenda' });
    // building the backend does not connect yet, so this runs without a MongoDB server
    const store = await createJobStoreBackend(choice);
    expect(store.backend.constructor.name).to.equal('MongoBackend');
  });
});
