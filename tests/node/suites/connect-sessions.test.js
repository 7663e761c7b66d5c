// Connect sessions through @nangohq/node: createConnectSession and createReconnectSession answer Nango's
// envelope, and the token authenticates GET/DELETE /connect/session as Nango's frontend uses it.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { PCK, api, createConnection, ensureServer, makeClient, uniqueConnectionId } from '../lib/helpers.js';

const TOKEN = /^nango_connect_session_[a-f0-9]{64}$/;

describe('connect sessions through @nangohq/node', { timeout: 60_000 }, () => {
    let nango;

    before(async () => {
        await ensureServer();
        ({ nango } = makeClient());
    });

    it('createConnectSession answers {data: {token, connect_link, expires_at}}', async () => {
        const res = await nango.createConnectSession({
            end_user: { id: 'node-user', email: 'node-user@example.com', display_name: 'Node User' },
            organization: { id: 'org-1', display_name: 'Org' },
            allowed_integrations: [PCK]
        });
        assert.deepEqual(Object.keys(res).sort(), ['data']);
        assert.deepEqual(Object.keys(res.data).sort(), ['connect_link', 'expires_at', 'token']);
        assert.match(res.data.token, TOKEN);
        assert.ok(res.data.connect_link.endsWith(`?session_token=${res.data.token}`));
        const lifetime = new Date(res.data.expires_at).getTime() - Date.now();
        assert.ok(lifetime > 29 * 60_000 && lifetime <= 30 * 60_000, `lifetime ${lifetime} ms`);

        const read = await api('/connect/session', { key: res.data.token });
        assert.equal(read.status, 200, JSON.stringify(read.body));
        assert.deepEqual(read.body.data.endUser, { id: 'node-user', display_name: 'Node User', email: 'node-user@example.com', tags: null, organization: { id: 'org-1', display_name: 'Org' } });
        assert.deepEqual(read.body.data.allowed_integrations, [PCK]);

        const deleted = await api('/connect/session', { method: 'DELETE', key: res.data.token });
        assert.equal(deleted.status, 204);
        const gone = await api('/connect/session', { key: res.data.token });
        assert.equal(gone.status, 401);
    });

    it('createConnectSession refuses an unknown integration with invalid_body', async () => {
        await assert.rejects(
            nango.createConnectSession({ end_user: { id: 'u' }, allowed_integrations: ['no-such-integration'] }),
            (err) => err.response?.status === 400 && err.response?.data?.error?.code === 'invalid_body'
        );
    });

    // @nangohq/node 0.71.10 has no createReconnectSession: the endpoint as later clients call it.
    it('POST /connect/sessions/reconnect binds the session to an existing connection', async () => {
        const cid = uniqueConnectionId('reconnect');
        await createConnection(cid);
        const created = await api('/connect/sessions/reconnect', { method: 'POST', body: { connection_id: cid, integration_id: PCK } });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        const res = created.body;
        assert.match(res.data.token, TOKEN);
        const read = await api('/connect/session', { key: res.data.token });
        // Nango's GET /connect/session says a reconnect with isReconnecting, not the connection's id.
        assert.equal(read.body.data.isReconnecting, true);
        assert.deepEqual(read.body.data.allowed_integrations, [PCK]);
    });
});
