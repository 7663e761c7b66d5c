// Every way the current client (and two older generations, via fetch) asks for a trigger, each
// checked for its answer and for a run that actually happened afterwards.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import {
    PCK,
    allRecords,
    api,
    createConnection,
    ensureServer,
    makeClient,
    settle,
    statusOf,
    triggerAndSettle,
    uniqueConnectionId
} from '../lib/helpers.js';

describe('triggerSync options and legacy bodies', { timeout: 180_000 }, () => {
    const cid = uniqueConnectionId('trigger');
    let nango;
    let sent;

    /** id → first_seen_at of every Contact record right now. */
    async function firstSeen() {
        const { records } = await allRecords(nango, cid, 'Contact');
        return new Map(records.map((r) => [r.id, r._nango_metadata.first_seen_at]));
    }

    /** The JSON body of the last POST /sync/trigger the client sent. */
    function lastBody() {
        const req = sent.findLast((r) => r.method === 'post' && r.url.endsWith('/sync/trigger'));
        assert.ok(req, 'the client sent a POST /sync/trigger');
        return req.body;
    }

    function assertCacheKept(beforeMap, afterMap) {
        assert.equal(afterMap.size, 20, 'still 20 Contact records');
        const kept = [...afterMap].filter(([id, seen]) => beforeMap.get(id) === seen);
        assert.ok(kept.length > 0, 'without emptyCache, records seen before the trigger keep their first_seen_at');
    }

    async function assertCacheEmptied(beforeMap) {
        const { records } = await allRecords(nango, cid, 'Contact');
        assert.equal(records.length, 20, 'the run wrote 20 Contact records again');
        for (const r of records) {
            assert.equal(r._nango_metadata.last_action, 'ADDED', `record ${r.id} was re-added`);
            const previous = beforeMap.get(r.id);
            if (previous !== undefined) {
                assert.ok(
                    Date.parse(r._nango_metadata.first_seen_at) > Date.parse(previous),
                    `record ${r.id}: first_seen_at ${r._nango_metadata.first_seen_at} should be later than ${previous}`
                );
            }
        }
    }

    before(async () => {
        await ensureServer();
        ({ nango, sent } = makeClient());
        // change_rate 0: every run re-saves the same 20 ids, so counts stay exact whatever ran before.
        await createConnection(cid, { metadata: { records: 20, change_rate: 0 } });
        // A baseline: one finished run, so every test below starts from an idle sync with 20 records.
        await triggerAndSettle(nango, cid, () => nango.triggerSync(PCK, ['contacts'], cid));
    });

    it('opts {reset: true} runs the sync again and keeps the cache', async () => {
        const seen = await firstSeen();
        await triggerAndSettle(nango, cid, () => nango.triggerSync(PCK, ['contacts'], cid, { reset: true }));
        assert.deepEqual(lastBody(), { syncs: ['contacts'], provider_config_key: PCK, connection_id: cid, opts: { reset: true } });
        assertCacheKept(seen, await firstSeen());
    });

    it('opts {reset: true, emptyCache: true} rebuilds the cache from scratch', async () => {
        const seen = await firstSeen();
        await triggerAndSettle(nango, cid, () => nango.triggerSync(PCK, ['contacts'], cid, { reset: true, emptyCache: true }));
        assert.deepEqual(lastBody().opts, { reset: true, emptyCache: true });
        await assertCacheEmptied(seen);
    });

    it('legacy boolean true is sent as sync_mode full_refresh and runs', async () => {
        const seen = await firstSeen();
        await triggerAndSettle(nango, cid, () => nango.triggerSync(PCK, ['contacts'], cid, true));
        assert.deepEqual(lastBody(), { syncs: ['contacts'], provider_config_key: PCK, connection_id: cid, sync_mode: 'full_refresh' });
        assertCacheKept(seen, await firstSeen());
    });

    it('legacy boolean false is sent as sync_mode incremental and runs', async () => {
        await triggerAndSettle(nango, cid, () => nango.triggerSync(PCK, ['contacts'], cid, false));
        assert.equal(lastBody().sync_mode, 'incremental');
    });

    it("legacy string 'incremental' runs", async () => {
        await triggerAndSettle(nango, cid, () => nango.triggerSync(PCK, ['contacts'], cid, 'incremental'));
        assert.equal(lastBody().sync_mode, 'incremental');
    });

    it("legacy string 'full_refresh' runs and keeps the cache", async () => {
        const seen = await firstSeen();
        await triggerAndSettle(nango, cid, () => nango.triggerSync(PCK, ['contacts'], cid, 'full_refresh'));
        assert.equal(lastBody().sync_mode, 'full_refresh');
        assertCacheKept(seen, await firstSeen());
    });

    it("legacy string 'full_refresh_and_clear_cache' rebuilds the cache", async () => {
        const seen = await firstSeen();
        await triggerAndSettle(nango, cid, () => nango.triggerSync(PCK, ['contacts'], cid, 'full_refresh_and_clear_cache'));
        assert.equal(lastBody().sync_mode, 'full_refresh_and_clear_cache');
        await assertCacheEmptied(seen);
    });

    it('syncs as [{name, variant}] objects', async () => {
        await triggerAndSettle(nango, cid, () => nango.triggerSync(PCK, [{ name: 'contacts', variant: 'base' }], cid));
        assert.deepEqual(lastBody().syncs, [{ name: 'contacts', variant: 'base' }]);
    });

    it("syncs as 'name::variant' strings", async () => {
        await triggerAndSettle(nango, cid, () => nango.triggerSync(PCK, ['contacts::base'], cid));
        assert.deepEqual(lastBody().syncs, ['contacts::base']);
    });

    it('an empty syncs list triggers every sync of the connection', async () => {
        // deals has auto_start false. Start it and let it finish one run first, so that a run seen
        // after the empty-list trigger can only come from that trigger (whatever a server decides
        // about one-off runs of paused syncs).
        const started = await nango.startSync(PCK, ['deals'], cid);
        assert.equal(started.data.success, true);
        await triggerAndSettle(nango, cid, () => nango.triggerSync(PCK, ['deals'], cid), [{ name: 'deals' }]);

        const { entries } = await triggerAndSettle(nango, cid, () => nango.triggerSync(PCK, [], cid), [
            { name: 'contacts' },
            { name: 'deals' }
        ]);
        assert.deepEqual(lastBody().syncs, []);
        assert.equal(entries[0].recordCount.Contact, 20);
        const page = await nango.listRecords({ providerConfigKey: PCK, connectionId: cid, model: 'Deal' });
        assert.ok(page.records.length > 0, 'the deals runs wrote Deal records');
    });

    it('client <= 0.57 body: {full_resync: true} answers 200 {success: true} and runs', async () => {
        const t0 = Date.now();
        const res = await api('/sync/trigger', {
            method: 'POST',
            body: { syncs: ['contacts'], provider_config_key: PCK, connection_id: cid, full_resync: true }
        });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.equal(res.body.success, true);
        await settle(nango, cid, 'contacts', { after: t0 });
    });

    it("client 0.58-0.69.30 body: always-sent sync_mode 'incremental' answers 200 {success: true} and runs", async () => {
        const t0 = Date.now();
        const res = await api('/sync/trigger', {
            method: 'POST',
            body: { syncs: ['contacts'], provider_config_key: PCK, connection_id: cid, sync_mode: 'incremental' }
        });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.equal(res.body.success, true);
        await settle(nango, cid, 'contacts', { after: t0 });
        const entry = await statusOf(nango, cid, 'contacts');
        assert.equal(entry.recordCount.Contact, 20);
    });
});
