// pauseSync / startSync and what syncStatus shows after each.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { PCK, createConnection, ensureServer, makeClient, statusOf, triggerAndSettle, uniqueConnectionId } from '../lib/helpers.js';

function assertScheduled(entry) {
    assert.notEqual(entry.status, 'PAUSED');
    assert.equal(typeof entry.nextScheduledSyncAt, 'string', `nextScheduledSyncAt: ${JSON.stringify(entry.nextScheduledSyncAt)}`);
    assert.ok(!Number.isNaN(Date.parse(entry.nextScheduledSyncAt)), `nextScheduledSyncAt is a date: ${entry.nextScheduledSyncAt}`);
}

function assertPaused(entry) {
    assert.equal(entry.status, 'PAUSED');
    assert.equal(entry.nextScheduledSyncAt, null);
}

describe('pauseSync / startSync', { timeout: 120_000 }, () => {
    const cid = uniqueConnectionId('pause');
    let nango;

    before(async () => {
        await ensureServer();
        ({ nango } = makeClient());
        await createConnection(cid);
        // Let a run finish first: a sync that is RUNNING reports RUNNING even when paused.
        await triggerAndSettle(nango, cid, () => nango.triggerSync(PCK, ['contacts'], cid));
    });

    it('an auto_start sync starts scheduled; an auto_start:false sync starts paused', async () => {
        assertScheduled(await statusOf(nango, cid, 'contacts'));
        assertPaused(await statusOf(nango, cid, 'deals'));
    });

    it('pauseSync answers success and syncStatus shows PAUSED with no next run', async () => {
        const res = await nango.pauseSync(PCK, ['contacts'], cid);
        assert.equal(res.status, 200);
        assert.equal(res.data.success, true);
        assertPaused(await statusOf(nango, cid, 'contacts'));
    });

    it('pausing again is a no-op that still succeeds', async () => {
        const res = await nango.pauseSync(PCK, [{ name: 'contacts', variant: 'base' }], cid);
        assert.equal(res.data.success, true);
        assertPaused(await statusOf(nango, cid, 'contacts'));
    });

    it('startSync answers success and syncStatus is no longer PAUSED', async () => {
        const res = await nango.startSync(PCK, ['contacts'], cid);
        assert.equal(res.status, 200);
        assert.equal(res.data.success, true);
        assertScheduled(await statusOf(nango, cid, 'contacts'));
    });

    it('startSync on the auto_start:false sync schedules it', async () => {
        const res = await nango.startSync(PCK, [{ name: 'deals', variant: 'base' }], cid);
        assert.equal(res.data.success, true);
        assertScheduled(await statusOf(nango, cid, 'deals'));
    });

    it('pauseSync with an empty list pauses every sync of the connection', async () => {
        const res = await nango.pauseSync(PCK, [], cid);
        assert.equal(res.data.success, true);
        const { syncs } = await nango.syncStatus(PCK, '*', cid);
        assert.equal(syncs.length, 2);
        for (const entry of syncs) {
            // A sync may still be running a run its start made due: RUNNING wins over PAUSED in the
            // status, but the schedule is paused all the same.
            assert.equal(entry.nextScheduledSyncAt, null, `${entry.name}: nextScheduledSyncAt`);
            if (entry.status !== 'RUNNING') assertPaused(entry);
        }
    });
});
