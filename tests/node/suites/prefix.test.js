// The client with a `host` that carries a path prefix (http://host:port/prefix). Runs only when
// TRIBUTARY_URL_PREFIXED points at a server mounted under a prefix; skipped otherwise.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { PCK, createConnection, ensureServer, makeClient, settle, uniqueConnectionId } from '../lib/helpers.js';

const prefixed = process.env.TRIBUTARY_URL_PREFIXED;

describe('client host with a path prefix', { timeout: 60_000, skip: prefixed ? false : 'TRIBUTARY_URL_PREFIXED is not set' }, () => {
    const cid = uniqueConnectionId('prefix');
    let nango;
    let sent;

    before(async () => {
        await ensureServer(prefixed);
        ({ nango, sent } = makeClient({ host: prefixed }));
        await createConnection(cid, { baseUrl: prefixed });
    });

    it('triggerSync, syncStatus and listRecords all go through the prefix', async () => {
        const t0 = Date.now();
        const res = await nango.triggerSync(PCK, ['contacts'], cid);
        assert.equal(res.data.success, true);
        await settle(nango, cid, 'contacts', { after: t0 });

        const page = await nango.listRecords({ providerConfigKey: PCK, connectionId: cid, model: 'Contact' });
        assert.equal(page.records.length, 20);

        const prefixPath = new URL(prefixed).pathname.replace(/\/+$/, '');
        for (const req of sent) {
            assert.ok(new URL(req.url).pathname.startsWith(`${prefixPath}/`), `${req.url} carries the prefix`);
        }
    });

    it('getEnvironmentVariables works under the prefix', async () => {
        assert.ok(Array.isArray(await nango.getEnvironmentVariables()));
    });
});
