// syncStatus: the '*' form, name lists, name::variant strings and {name, variant} objects.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { PCK, createConnection, ensureServer, makeClient, triggerAndSettle, uniqueConnectionId } from '../lib/helpers.js';

const FIELDS = ['id', 'connection_id', 'name', 'variant', 'status', 'frequency', 'recordCount', 'checkpoint', 'nextScheduledSyncAt'];

describe('syncStatus', { timeout: 120_000 }, () => {
    const cid = uniqueConnectionId('status');
    let nango;
    let contactsId;

    before(async () => {
        await ensureServer();
        ({ nango } = makeClient());
        await createConnection(cid);
        await triggerAndSettle(nango, cid, () => nango.triggerSync(PCK, ['contacts'], cid));
    });

    it("'*' returns both syncs of the connection with Nango's fields", async () => {
        const res = await nango.syncStatus(PCK, '*', cid);
        assert.ok(Array.isArray(res.syncs), JSON.stringify(res));
        assert.deepEqual(res.syncs.map((s) => s.name).sort(), ['contacts', 'deals']);

        for (const entry of res.syncs) {
            for (const field of FIELDS) {
                assert.ok(field in entry, `${entry.name} has ${field}: ${JSON.stringify(entry)}`);
            }
            assert.equal(typeof entry.id, 'string');
            assert.ok(entry.id.length > 0);
            assert.equal(entry.connection_id, cid);
            assert.equal(entry.variant, 'base');
            assert.equal(entry.frequency, 'every 1h', `${entry.name} reports the config's frequency`);
            assert.equal(typeof entry.recordCount, 'object');
            assert.ok(entry.recordCount !== null && !Array.isArray(entry.recordCount));
            assert.ok(entry.checkpoint === null || (typeof entry.checkpoint === 'object' && !Array.isArray(entry.checkpoint)));
        }
        assert.notEqual(res.syncs[0].id, res.syncs[1].id);

        const contacts = res.syncs.find((s) => s.name === 'contacts');
        contactsId = contacts.id;
        assert.equal(contacts.status, 'SUCCESS');
        assert.equal(contacts.latestExecutionStatus, 'SUCCESS');
        assert.equal(typeof contacts.finishedAt, 'string');
        assert.equal(typeof contacts.nextScheduledSyncAt, 'string');
        assert.equal(contacts.recordCount.Contact, 20);
        assert.equal(typeof contacts.recordCount.Company, 'number');

        const deals = res.syncs.find((s) => s.name === 'deals');
        assert.equal(deals.status, 'PAUSED');
        assert.equal(deals.nextScheduledSyncAt, null);
        assert.equal(deals.recordCount.Deal ?? 0, 0);
    });

    it('a name given twice is answered twice, as Nango loops over the names given', async () => {
        const res = await nango.syncStatus(PCK, ['contacts', 'contacts'], cid);
        assert.deepEqual(res.syncs.map((s) => s.name), ['contacts', 'contacts']);
        assert.equal(res.syncs[0].id, res.syncs[1].id);
    });

    it("['contacts::base'] returns exactly the base contacts sync", async () => {
        const res = await nango.syncStatus(PCK, ['contacts::base'], cid);
        assert.equal(res.syncs.length, 1);
        assert.equal(res.syncs[0].name, 'contacts');
        assert.equal(res.syncs[0].variant, 'base');
        assert.equal(res.syncs[0].id, contactsId);
    });

    it('[{name, variant}] objects are sent as name::variant and answered the same way', async () => {
        const res = await nango.syncStatus(PCK, [{ name: 'contacts', variant: 'base' }], cid);
        assert.deepEqual(
            res.syncs.map((s) => [s.name, s.variant, s.id]),
            [['contacts', 'base', contactsId]]
        );
    });

    it('a list of names returns each of them', async () => {
        const res = await nango.syncStatus(PCK, ['contacts', 'deals'], cid);
        assert.deepEqual(res.syncs.map((s) => s.name).sort(), ['contacts', 'deals']);
    });

    it('a name the connection does not have is left out', async () => {
        const res = await nango.syncStatus(PCK, ['no_such_sync'], cid);
        assert.deepEqual(res.syncs, []);
    });
});
