// updateSyncConnectionFrequency: normalisation of the answer, the raw override in syncStatus,
// null resetting to the config, and rejected intervals.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { PCK, createConnection, ensureServer, expectApiError, makeClient, statusOf, uniqueConnectionId } from '../lib/helpers.js';

describe('updateSyncConnectionFrequency', { timeout: 60_000 }, () => {
    const cid = uniqueConnectionId('frequency');
    let nango;

    before(async () => {
        await ensureServer();
        ({ nango } = makeClient());
        await createConnection(cid);
    });

    it("'every 5 minutes' answers {frequency: '5 minutes'} and syncStatus shows the override", async () => {
        const res = await nango.updateSyncConnectionFrequency(PCK, 'contacts', cid, 'every 5 minutes');
        assert.deepEqual(res, { frequency: '5 minutes' });
        const entry = await statusOf(nango, cid, 'contacts');
        assert.equal(entry.frequency, 'every 5 minutes');
    });

    it('named intervals are normalised (every hour → 1h, every half hour → 30m)', async () => {
        assert.deepEqual(await nango.updateSyncConnectionFrequency(PCK, 'contacts', cid, 'every hour'), { frequency: '1h' });
        assert.deepEqual(await nango.updateSyncConnectionFrequency(PCK, 'contacts', cid, 'every half hour'), { frequency: '30m' });
        assert.equal((await statusOf(nango, cid, 'contacts')).frequency, 'every half hour');
    });

    it('a {name, variant} sync is sent with sync_variant', async () => {
        const res = await nango.updateSyncConnectionFrequency(PCK, { name: 'contacts', variant: 'base' }, cid, 'every 2h');
        assert.deepEqual(res, { frequency: '2h' });
        assert.equal((await statusOf(nango, cid, 'contacts')).frequency, 'every 2h');
    });

    it("null resets to the config's frequency", async () => {
        const res = await nango.updateSyncConnectionFrequency(PCK, 'contacts', cid, null);
        assert.deepEqual(res, { frequency: 'every 1h' });
        assert.equal((await statusOf(nango, cid, 'contacts')).frequency, 'every 1h');
    });

    it("'every 10 seconds' (under 30 s) → 400 invalid_body, and nothing changes", async () => {
        await expectApiError(nango.updateSyncConnectionFrequency(PCK, 'contacts', cid, 'every 10 seconds'), 400, 'invalid_body');
        assert.equal((await statusOf(nango, cid, 'contacts')).frequency, 'every 1h');
    });

    it('unknown connection → 400 unknown_connection; unknown sync → 400 unknown_sync', async () => {
        await expectApiError(
            nango.updateSyncConnectionFrequency(PCK, 'contacts', uniqueConnectionId('missing'), 'every 5 minutes'),
            400,
            'unknown_connection'
        );
        await expectApiError(nango.updateSyncConnectionFrequency(PCK, 'no_such_sync', cid, 'every 5 minutes'), 400, 'unknown_sync');
    });
});
