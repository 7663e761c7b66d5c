// Trigger a sync, wait for it through syncStatus, then read, page and prune its records with
// listRecords / pruneRecords.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { PCK, allRecords, createConnection, ensureServer, makeClient, settle, statusOf, uniqueConnectionId } from '../lib/helpers.js';

describe('records: triggerSync, syncStatus, listRecords, pruneRecords', { timeout: 120_000 }, () => {
    const cid = uniqueConnectionId('records');
    let nango;
    /** Ids of the 20 Contact records in cursor order, as read by the first test. */
    let ids = [];

    before(async () => {
        await ensureServer();
        ({ nango } = makeClient());
        // change_rate 0: every run produces the same data, so however many runs happen (the auto_start
        // run plus ours), each record stays ADDED and the cursor order stays put while we page.
        await createConnection(cid, { metadata: { records: 20, change_rate: 0 } });
    });

    it('triggerSync resolves with success and the run yields 20 ADDED Contact records', async () => {
        const t0 = Date.now();
        const res = await nango.triggerSync(PCK, ['contacts'], cid);
        assert.equal(res.status, 200);
        assert.equal(res.data.success, true);

        const entry = await settle(nango, cid, 'contacts', { after: t0 });
        assert.equal(entry.latestExecutionStatus, 'SUCCESS');
        assert.equal(entry.recordCount.Contact, 20, `recordCount: ${JSON.stringify(entry.recordCount)}`);

        const page = await nango.listRecords({ providerConfigKey: PCK, connectionId: cid, model: 'Contact' });
        assert.equal(page.next_cursor, null);
        assert.equal(page.records.length, 20);
        for (const record of page.records) {
            assert.equal(typeof record.id, 'string', `id of ${JSON.stringify(record)}`);
            const meta = record._nango_metadata;
            assert.equal(meta.last_action, 'ADDED', `record ${record.id}`);
            assert.equal(meta.deleted_at, null);
            assert.equal(meta.pruned_at, null);
            assert.equal(typeof meta.first_seen_at, 'string');
            assert.equal(typeof meta.last_modified_at, 'string');
            assert.equal(typeof meta.cursor, 'string');
        }
        ids = page.records.map((r) => r.id);
        assert.equal(new Set(ids).size, 20, 'record ids are unique');
    });

    it('paging with limit 7 and cursor visits all 20 records exactly once, in order', async () => {
        assert.equal(ids.length, 20, 'depends on the first test');
        const { records, pages } = await allRecords(nango, cid, 'Contact', { limit: 7 });
        assert.deepEqual(
            pages.map((p) => p.records.length),
            [7, 7, 6]
        );
        assert.equal(typeof pages[0].next_cursor, 'string');
        assert.equal(typeof pages[1].next_cursor, 'string');
        assert.equal(pages[2].next_cursor, null);
        assert.deepEqual(
            records.map((r) => r.id),
            ids
        );
    });

    it('listRecords with ids returns only those records', async () => {
        const wanted = [ids[3], ids[11]];
        const page = await nango.listRecords({ providerConfigKey: PCK, connectionId: cid, model: 'Contact', ids: wanted });
        assert.deepEqual(page.records.map((r) => r.id).sort(), [...wanted].sort());
        assert.equal(page.next_cursor, null);
    });

    it('the other model of the sync (Company) is readable too', async () => {
        const page = await nango.listRecords({ providerConfigKey: PCK, connectionId: cid, model: 'Company' });
        assert.ok(Array.isArray(page.records));
        assert.ok(page.records.length > 0, 'Company has records');
        const entry = await statusOf(nango, cid, 'contacts');
        assert.equal(typeof entry.recordCount.Company, 'number');
    });

    it('pruneRecords empties payloads up to a cursor and reports {count, has_more}', async () => {
        const before5 = await nango.listRecords({ providerConfigKey: PCK, connectionId: cid, model: 'Contact', limit: 5 });
        assert.equal(before5.records.length, 5);
        const untilCursor = before5.records[4]._nango_metadata.cursor;

        const first = await nango.pruneRecords({ providerConfigKey: PCK, connectionId: cid, model: 'Contact', untilCursor, limit: 2 });
        assert.deepEqual(first, { count: 2, has_more: true });

        const rest = await nango.pruneRecords({ providerConfigKey: PCK, connectionId: cid, model: 'Contact', untilCursor });
        assert.deepEqual(rest, { count: 3, has_more: false });

        const again = await nango.pruneRecords({ providerConfigKey: PCK, connectionId: cid, model: 'Contact', untilCursor });
        assert.deepEqual(again, { count: 0, has_more: false });

        const after = await nango.listRecords({ providerConfigKey: PCK, connectionId: cid, model: 'Contact' });
        assert.deepEqual(
            after.records.map((r) => r.id),
            ids,
            'pruning keeps every record and the cursor order'
        );
        after.records.forEach((record, i) => {
            if (i < 5) {
                assert.equal(typeof record._nango_metadata.pruned_at, 'string', `record ${i} is pruned`);
                assert.deepEqual(Object.keys(record).sort(), ['_nango_metadata', 'id'], `pruned record ${i} keeps only id and metadata`);
            } else {
                assert.equal(record._nango_metadata.pruned_at, null, `record ${i} is not pruned`);
                assert.ok(Object.keys(record).length > 2, `record ${i} keeps its payload`);
            }
        });
    });
});
