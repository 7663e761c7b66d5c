// createSyncVariant / deleteSyncVariant, and the records of a variant.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import {
    PCK,
    allRecords,
    createConnection,
    ensureServer,
    expectApiError,
    makeClient,
    statusOf,
    triggerAndSettle,
    uniqueConnectionId
} from '../lib/helpers.js';

describe('sync variants', { timeout: 120_000 }, () => {
    const cid = uniqueConnectionId('variants');
    let nango;
    let variantId;
    const props = () => ({ provider_config_key: PCK, connection_id: cid, name: 'contacts', variant: 'v1' });

    before(async () => {
        await ensureServer();
        ({ nango } = makeClient());
        await createConnection(cid);
    });

    it("createSyncVariant answers {id, name: 'contacts', variant: 'v1'}", async () => {
        const res = await nango.createSyncVariant(props());
        assert.equal(typeof res.id, 'string');
        assert.ok(res.id.length > 0);
        assert.equal(res.name, 'contacts');
        assert.equal(res.variant, 'v1');
        variantId = res.id;

        const entry = await statusOf(nango, cid, 'contacts', 'v1');
        assert.ok(entry, 'syncStatus lists contacts::v1');
        assert.equal(entry.id, variantId);
        const base = await statusOf(nango, cid, 'contacts');
        assert.notEqual(base.id, variantId, 'the variant is its own sync');
    });

    it('creating the same variant again → 400 sync_variant_already_exists', async () => {
        await expectApiError(nango.createSyncVariant(props()), 400, 'sync_variant_already_exists');
    });

    it("the variant name 'base' is protected → 400 invalid_variant", async () => {
        await expectApiError(nango.createSyncVariant({ ...props(), variant: 'base' }), 400, 'invalid_variant');
    });

    it('unknown connection → 400 unknown_connection; unknown sync → 400 unknown_sync', async () => {
        await expectApiError(nango.createSyncVariant({ ...props(), connection_id: uniqueConnectionId('missing') }), 400, 'unknown_connection');
        await expectApiError(nango.createSyncVariant({ ...props(), name: 'no_such_sync' }), 400, 'unknown_sync');
    });

    it("triggering 'contacts::v1' fills the variant's records, read with variant: 'v1'", async () => {
        const { entries } = await triggerAndSettle(nango, cid, () => nango.triggerSync(PCK, ['contacts::v1'], cid), [
            { name: 'contacts', variant: 'v1' }
        ]);
        assert.equal(entries[0].variant, 'v1');

        // The variant auto-starts (its config does), so a scheduled run may precede the trigger: the live
        // records are the 20 of the data set whatever generation ran last; deleted ones stay readable as DELETED.
        const { records } = await allRecords(nango, cid, 'Contact', { variant: 'v1' });
        const live = records.filter((r) => r._nango_metadata.last_action !== 'DELETED');
        assert.equal(live.length, 20);
        for (const r of records) assert.equal(typeof r.id, 'string');
        assert.equal(new Set(records.map((r) => r.id)).size, records.length);
    });

    it('deleteSyncVariant answers {success: true} and the variant is gone', async () => {
        const res = await nango.deleteSyncVariant(props());
        assert.deepEqual(res, { success: true });
        assert.equal(await statusOf(nango, cid, 'contacts', 'v1'), undefined);
        assert.ok(await statusOf(nango, cid, 'contacts'), 'the base sync is untouched');
    });

    it('deleting it again → 404 not_found; the base variant cannot be deleted', async () => {
        await expectApiError(nango.deleteSyncVariant(props()), 404, 'not_found');
        await assert.rejects(nango.deleteSyncVariant({ ...props(), variant: 'base' }), (err) => {
            assert.equal(err.response?.status, 400, JSON.stringify(err.response?.data ?? err.message));
            return true;
        });
    });
});
