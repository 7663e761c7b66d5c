// Connections through @nangohq/node: patchConnection sets the end user and tags, listConnections filters on them
// (waitForConnection always sends endUserId), and the not-found answers are Nango's.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { PCK, createConnection, ensureServer, makeClient, uniqueConnectionId } from '../lib/helpers.js';

describe('connections through @nangohq/node', { timeout: 60_000 }, () => {
    let nango;

    before(async () => {
        await ensureServer();
        ({ nango } = makeClient());
    });

    it('patchConnection, then listConnections by user and tags, and waitForConnection', async () => {
        const cid = uniqueConnectionId('patched');
        const user = uniqueConnectionId('user');
        await createConnection(cid);

        const patched = await nango.patchConnection(
            { connectionId: cid, provider_config_key: PCK },
            { end_user: { id: user, email: 'patched@example.com', display_name: 'Patched User' }, tags: { Plan: 'pro' } }
        );
        assert.deepEqual(patched, { success: true });

        const byUser = await nango.listConnections({ userId: user });
        assert.deepEqual(byUser.connections.map((c) => c.connection_id), [cid]);
        assert.equal(byUser.connections[0].end_user.id, user);
        assert.deepEqual(byUser.connections[0].tags, { plan: 'pro' });

        const byTags = await nango.listConnections({ userId: user, tags: { plan: 'pro' } });
        assert.deepEqual(byTags.connections.map((c) => c.connection_id), [cid]);
        const otherTag = await nango.listConnections({ userId: user, tags: { plan: 'free' } });
        assert.deepEqual(otherTag.connections, []);
        const legacy = await nango.listConnections(undefined, 'Patched', { endUserId: user });
        assert.deepEqual(legacy.connections.map((c) => c.connection_id), [cid]);

        const waited = await nango.waitForConnection(PCK, user);
        assert.equal(waited.connection_id, cid);
    });

    it("an unknown connection: getConnection 404 not_found, deleteConnection Nango's bare 400 unknown_connection", async () => {
        const missing = uniqueConnectionId('missing');
        await assert.rejects(
            nango.getConnection(PCK, missing),
            (err) => err.response?.status === 404 && err.response?.data?.error?.code === 'not_found' && err.response.data.error.message === 'Failed to find connection'
        );
        await assert.rejects(
            nango.deleteConnection(PCK, missing),
            (err) => err.response?.status === 400 && JSON.stringify(err.response?.data?.error) === '{"code":"unknown_connection"}'
        );
    });
});
