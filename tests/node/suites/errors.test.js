// Error answers as the client surfaces them: err.response.status and err.response.data.error.code.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, it } from 'node:test';

import {
    PCK,
    api,
    assertApiError,
    createConnection,
    ensureServer,
    expectApiError,
    makeClient,
    sleep,
    statusOf,
    triggerAndSettle,
    uniqueConnectionId
} from '../lib/helpers.js';

describe('errors', { timeout: 120_000 }, () => {
    const cid = uniqueConnectionId('errors');
    let nango;

    before(async () => {
        await ensureServer();
        ({ nango } = makeClient());
        await createConnection(cid);
    });

    it('Tributary fix: opts {emptyCache: true} without reset is rejected with 400 invalid_body', async () => {
        await expectApiError(nango.triggerSync(PCK, ['contacts'], cid, { emptyCache: true }), 400, 'invalid_body');
        await expectApiError(nango.triggerSync(PCK, ['contacts'], cid, { reset: false, emptyCache: true }), 400, 'invalid_body');
    });

    it('unknown integration → 400 unknown_provider_config', async () => {
        await expectApiError(nango.triggerSync('no-such-integration', ['contacts'], cid), 400, 'unknown_provider_config');
    });

    it('unknown connection → 404 unknown_connection', async () => {
        await expectApiError(nango.triggerSync(PCK, ['contacts'], uniqueConnectionId('missing')), 404, 'unknown_connection');
    });

    it('unknown sync name → 400 no_syncs_found', async () => {
        await expectApiError(nango.triggerSync(PCK, ['no_such_sync'], cid), 400, 'no_syncs_found');
    });

    it('Tributary fix: a list with one unknown sync applies nothing', async () => {
        // `deals` is paused (auto_start false), so no schedule can queue a run behind the test's back:
        // any run of it after the rejected call would have been created by that call.
        const runsOfDeals = async () => {
            const res = await api(`/runs?provider_config_key=${PCK}&connection_id=${encodeURIComponent(cid)}&sync=deals`);
            assert.equal(res.status, 200, `GET /runs answered ${res.status}`);
            return res.body.runs.map((r) => r.id);
        };
        const before = await runsOfDeals();

        await expectApiError(nango.triggerSync(PCK, ['deals', 'no_such_sync'], cid), 400, 'no_syncs_found');
        await expectApiError(nango.triggerSync(PCK, [{ name: 'deals', variant: 'base' }, { name: 'no_such_sync', variant: 'base' }], cid), 400, 'no_syncs_found');
        await sleep(500);

        assert.deepEqual(await runsOfDeals(), before, 'no run of deals was queued');
        const entry = await statusOf(nango, cid, 'deals');
        assert.equal(entry?.latestExecutionStatus, undefined, 'deals never ran');

        // The same list with the unknown name removed is applied: the check above is not vacuous.
        await triggerAndSettle(nango, cid, () => nango.triggerSync(PCK, ['deals'], cid), [{ name: 'deals' }]);
        assert.equal((await runsOfDeals()).length, before.length + 1, 'the valid trigger queued one run');
    });

    it('an API key nobody issued (random UUID v4) → 401 unknown_account', async () => {
        const { nango: stranger } = makeClient({ apiKey: randomUUID() });
        await expectApiError(stranger.triggerSync(PCK, ['contacts'], cid), 401, 'unknown_account');
        await expectApiError(stranger.syncStatus(PCK, '*', cid), 401, 'unknown_account');
    });

    it('no Authorization header → 401 missing_auth_header', async () => {
        const res = await api('/sync/trigger', {
            method: 'POST',
            key: null,
            body: { syncs: ['contacts'], provider_config_key: PCK, connection_id: cid }
        });
        assertApiError(res, 401, 'missing_auth_header');
    });

    it('opts together with a legacy sync_mode or full_resync → 400 invalid_body', async () => {
        const withMode = await api('/sync/trigger', {
            method: 'POST',
            body: { syncs: ['contacts'], provider_config_key: PCK, connection_id: cid, opts: { reset: true }, sync_mode: 'full_refresh' }
        });
        assertApiError(withMode, 400, 'invalid_body');

        const withResync = await api('/sync/trigger', {
            method: 'POST',
            body: { syncs: ['contacts'], provider_config_key: PCK, connection_id: cid, opts: {}, full_resync: false }
        });
        assertApiError(withResync, 400, 'invalid_body');
    });

    it('no provider_config_key in body or header → 400 missing_provider_config_key', async () => {
        const res = await api('/sync/trigger', { method: 'POST', body: { syncs: ['contacts'], connection_id: cid } });
        assertApiError(res, 400, 'missing_provider_config_key');
    });

    it('a Content-Type other than JSON → 415 invalid_content_type', async () => {
        const res = await api('/sync/trigger', {
            method: 'POST',
            headers: { 'Content-Type': 'text/plain' },
            body: JSON.stringify({ syncs: ['contacts'], provider_config_key: PCK, connection_id: cid })
        });
        assertApiError(res, 415, 'invalid_content_type');
    });

    it('syncStatus for an unknown connection → 400 invalid_body', async () => {
        await expectApiError(nango.syncStatus(PCK, '*', uniqueConnectionId('missing')), 400, 'invalid_body');
    });

    it('listRecords for an unknown connection → 400 unknown_connection', async () => {
        await expectApiError(
            nango.listRecords({ providerConfigKey: PCK, connectionId: uniqueConnectionId('missing'), model: 'Contact' }),
            400,
            'unknown_connection'
        );
    });
});
