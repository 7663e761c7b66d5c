// Integration and environment calls of the client that the fixture can answer.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { PCK, api, ensureServer, makeClient } from '../lib/helpers.js';

/** What the client's ApiPublicIntegration type promises. */
function assertIntegration(integration) {
    assert.equal(integration.unique_key, PCK);
    assert.equal(integration.provider, 'sample-data');
    for (const field of ['display_name', 'logo', 'created_at', 'updated_at']) {
        assert.equal(typeof integration[field], 'string', `${field} of ${JSON.stringify(integration)}`);
    }
}

describe('integrations and environment variables', { timeout: 60_000 }, () => {
    let nango;

    before(async () => {
        await ensureServer();
        ({ nango } = makeClient());
    });

    it('listIntegrations: the server answers {data: [...]}, which the client returns as {configs: [...]}', async () => {
        const res = await nango.listIntegrations();
        assert.ok(Array.isArray(res.configs), `configs: ${JSON.stringify(res)}`);
        const demo = res.configs.find((c) => c.unique_key === PCK);
        assert.ok(demo, `${PCK} is listed: ${JSON.stringify(res.configs)}`);
        assertIntegration(demo);
    });

    it('getIntegration answers {data: integration}', async () => {
        const res = await nango.getIntegration({ uniqueKey: PCK });
        assert.ok(res.data, JSON.stringify(res));
        assertIntegration(res.data);
    });

    it('getIntegration of an unknown key is rejected with an error body', async () => {
        await assert.rejects(nango.getIntegration({ uniqueKey: 'no-such-integration' }), (err) => {
            const status = err.response?.status;
            assert.ok(status >= 400 && status < 500, `4xx, got ${status ?? err.message}`);
            assert.equal(typeof err.response.data?.error?.code, 'string', JSON.stringify(err.response.data));
            return true;
        });
    });

    it('listProviders and getProvider answer the provider templates, as the catalogue of Nango', async () => {
        const all = await nango.listProviders({});
        assert.ok(Array.isArray(all.data), JSON.stringify(all));
        const github = all.data.find((p) => p.name === 'github');
        assert.equal(github?.auth_mode, 'OAUTH2', JSON.stringify(github));

        const searched = await nango.listProviders({ search: 'hubs' });
        assert.deepEqual(searched.data.map((p) => p.name), ['hubspot']);

        const one = await nango.getProvider({ provider: 'hubspot' });
        assert.equal(one.data.name, 'hubspot');
        assert.equal(one.data.display_name, 'HubSpot');
        assert.equal(one.data.auth_mode, 'OAUTH2');

        await assert.rejects(nango.getProvider({ provider: 'foobar' }), (err) => {
            assert.equal(err.response?.status, 404);
            assert.deepEqual(err.response.data.error, { code: 'not_found', message: 'Unknown provider foobar' });
            return true;
        });
    });

    it('getScriptsConfig answers the deployed syncs in Nango\'s StandardNangoConfig shape, and as OpenAI functions', async () => {
        const configs = await nango.getScriptsConfig();
        assert.ok(Array.isArray(configs), JSON.stringify(configs));
        const demo = configs.find((c) => c.providerConfigKey === PCK);
        assert.ok(demo, `${PCK} is listed: ${JSON.stringify(configs)}`);
        assert.deepEqual(Object.keys(demo), ['actions', 'providerConfigKey', 'provider', 'syncs', 'on-events']);
        assert.equal(demo.provider, 'sample-data');
        assert.deepEqual(demo.actions, []);
        const names = demo.syncs.map((s) => s.name);
        assert.deepEqual(names, [...names].sort(), 'syncs by name');
        for (const sync of demo.syncs) {
            assert.equal(sync.type, 'sync');
            assert.ok(Array.isArray(sync.returns) && sync.returns.length > 0, JSON.stringify(sync));
            assert.ok(['full', 'incremental'].includes(sync.sync_type), JSON.stringify(sync));
            assert.equal(typeof sync.runs, 'string');
            assert.equal(new Date(sync.last_deployed).toISOString(), sync.last_deployed);
        }

        const openai = await nango.getScriptsConfig('openai');
        assert.deepEqual(
            openai.data.filter((f) => names.includes(f.name)).map((f) => f.name),
            names
        );
        assert.deepEqual(openai.data[0].parameters, { type: 'object', properties: {}, required: [] });
    });

    it('getEnvironmentVariables returns an array', async () => {
        const vars = await nango.getEnvironmentVariables();
        assert.ok(Array.isArray(vars), JSON.stringify(vars));
        for (const v of vars) {
            assert.equal(typeof v.name, 'string');
            assert.equal(typeof v.value, 'string');
        }
    });

    it('GET /environment-variables with Content-Type: application/json and no body answers a JSON array', async () => {
        const res = await api('/environment-variables', { headers: { 'Content-Type': 'application/json' } });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.ok(Array.isArray(res.body), `body: ${JSON.stringify(res.body)}`);
    });
});
