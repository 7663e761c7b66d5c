// Nango's proxy through @nangohq/node: proxy/get/post/patch/put/delete reach a fake provider with the connection's
// token injected, headers, query and bodies as sent, Nango-Proxy-* forwarded, 429s retried when asked; and
// getConnection(…, forceRefresh) refreshes exactly once and returns the new token.
//
// The fake is node:http in this file (not the .NET fakes): it needs no second process in scripts/test-node.sh, and
// what it saw (requests, refresh count) is plain data the assertions read directly. The server reaches it through
// the provider `node-fake-oauth` of scripts/test-node.sh's tributary.yaml, whose URLs take the fake's host:port from
// the connection's connection_config.fake_host.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';

import { api, ensureServer, makeClient, settings, uniqueConnectionId } from '../lib/helpers.js';

const PROVIDER = 'node-fake-oauth';
const CLIENT_ID = 'node-fake-client';
const CLIENT_SECRET = `node-fake-secret-${randomUUID()}`;
/** The largest request body the fake reads; a larger one is cut off. */
const FAKE_BODY_LIMIT = 1024 * 1024;

/** A tiny OAuth provider: a token endpoint with rotating refresh tokens, and an API under /api that checks the bearer token. */
async function startFake() {
    const state = {
        live: new Map(), // access token -> connection label
        refreshTokens: new Map(), // refresh token -> connection label
        refreshes: new Map(), // connection label -> count
        throttled: new Map(), // key -> 429s still to send
        requests: [],
        issued: 0
    };

    function mint(label) {
        state.issued += 1;
        const tokens = { access: `fake-at-${state.issued}-${randomUUID()}`, refresh: `fake-rt-${state.issued}-${randomUUID()}` };
        state.live.set(tokens.access, label);
        state.refreshTokens.set(tokens.refresh, label);
        return tokens;
    }

    function json(res, status, body, headers = {}) {
        res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
    }

    function clientAuthenticated(req, form) {
        const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
        if (basic) {
            const [id, secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
            return decodeURIComponent(id) === CLIENT_ID && decodeURIComponent(secret) === CLIENT_SECRET;
        }
        return form.get('client_id') === CLIENT_ID && form.get('client_secret') === CLIENT_SECRET;
    }

    function token(req, res, body) {
        const form = new URLSearchParams(body);
        if (!clientAuthenticated(req, form)) return json(res, 401, { error: 'invalid_client' });
        const label = state.refreshTokens.get(form.get('refresh_token') ?? '');
        if (form.get('grant_type') !== 'refresh_token' || label === undefined) return json(res, 400, { error: 'invalid_grant' });
        // Rotation: the used refresh token and the old access tokens of the connection stop working.
        state.refreshTokens.delete(form.get('refresh_token'));
        for (const [access, owner] of state.live) if (owner === label) state.live.delete(access);
        state.refreshes.set(label, (state.refreshes.get(label) ?? 0) + 1);
        const tokens = mint(label);
        return json(res, 200, { access_token: tokens.access, refresh_token: tokens.refresh, token_type: 'bearer', expires_in: 3600 });
    }

    function apiCall(req, res, url, body) {
        const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
        if (!bearer || !state.live.has(bearer)) return json(res, 401, { message: 'Bad credentials' });
        const seen = { method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body };
        state.requests.push(seen);
        if (url.pathname === '/api/limited') {
            const key = url.searchParams.get('key') ?? '';
            const left = state.throttled.get(key) ?? 0;
            if (left > 0) {
                state.throttled.set(key, left - 1);
                return json(res, 429, { message: 'slow down' }, { 'Retry-After': '0' });
            }
        }
        return json(res, 200, seen, { 'X-Fake-Answer': 'yes' });
    }

    const server = createServer((req, res) => {
        const chunks = [];
        let size = 0;
        req.on('data', (chunk) => {
            size += chunk.length;
            if (size > FAKE_BODY_LIMIT) req.destroy();
            else chunks.push(chunk);
        });
        req.on('end', () => {
            const body = Buffer.concat(chunks).toString('utf8');
            const url = new URL(req.url, 'http://fake.invalid');
            if (req.method === 'POST' && url.pathname === '/oauth/token') return token(req, res, body);
            if (url.pathname.startsWith('/api/')) return apiCall(req, res, url, body);
            return json(res, 404, { message: 'Not Found' });
        });
    });
    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
    });

    return {
        host: `127.0.0.1:${server.address().port}`,
        mint,
        refreshCount: (label) => state.refreshes.get(label) ?? 0,
        throttle: (key, times) => state.throttled.set(key, times),
        requests: () => state.requests,
        lastRequest: () => state.requests.at(-1),
        close: () =>
            new Promise((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            })
    };
}

describe('proxy and forceRefresh through @nangohq/node', { timeout: 90_000 }, () => {
    let nango;
    let fake;
    const integration = `node-proxy-${randomUUID().slice(0, 8)}`;

    /** A connection of the fake's integration, imported with fresh fake tokens; answers its id and tokens. */
    async function connect(tag) {
        const connectionId = uniqueConnectionId(tag);
        const tokens = fake.mint(connectionId);
        const created = await api('/connections', {
            method: 'POST',
            body: {
                provider_config_key: integration,
                connection_id: connectionId,
                connection_config: { fake_host: fake.host },
                credentials: {
                    type: 'OAUTH2',
                    access_token: tokens.access,
                    refresh_token: tokens.refresh,
                    expires_at: new Date(Date.now() + 3_600_000).toISOString()
                }
            }
        });
        assert.ok(created.status === 200 || created.status === 201, JSON.stringify(created.body));
        return { connectionId, tokens };
    }

    before(async () => {
        await ensureServer();
        ({ nango } = makeClient());
        fake = await startFake();
        const created = await api('/integrations', {
            method: 'POST',
            body: { unique_key: integration, provider: PROVIDER, credentials: { type: 'OAUTH2', client_id: CLIENT_ID, client_secret: CLIENT_SECRET } }
        });
        assert.ok(created.status === 200 || created.status === 201, JSON.stringify(created.body));
    });

    after(async () => {
        await fake?.close();
    });

    it('get: the token is injected, query and Nango-Proxy-* headers reach the provider, nothing of ours does', async () => {
        const { connectionId, tokens } = await connect('proxy-get');
        const res = await nango.get({
            endpoint: '/echo',
            providerConfigKey: integration,
            connectionId,
            params: { q: 'a b&c', page: '2' },
            headers: { 'X-Custom': 'custom-value' }
        });
        assert.equal(res.status, 200);
        assert.equal(res.headers['x-fake-answer'], 'yes');
        const seen = res.data;
        assert.equal(seen.method, 'GET');
        assert.equal(seen.path, '/api/echo');
        assert.deepEqual(seen.query, { q: 'a b&c', page: '2' });
        assert.equal(seen.headers.authorization, `Bearer ${tokens.access}`);
        assert.equal(seen.headers['x-custom'], 'custom-value');
        for (const name of ['connection-id', 'provider-config-key', 'nango-proxy-x-custom', 'base-url-override']) {
            assert.equal(seen.headers[name], undefined, `${name} must not reach the provider`);
        }
        const secret = settings().key;
        assert.ok(!JSON.stringify(seen.headers).includes(secret), 'the Tributary secret key reached the provider');
    });

    it('post, patch, put and delete send their method and JSON body; proxy() takes the method as given', async () => {
        const { connectionId } = await connect('proxy-verbs');
        const common = { endpoint: '/items/7', providerConfigKey: integration, connectionId };
        const body = { name: 'Ada', tags: ['x', 'y'], nested: { n: 1 } };
        for (const [call, method] of [
            [(c) => nango.post(c), 'POST'],
            [(c) => nango.patch(c), 'PATCH'],
            [(c) => nango.put(c), 'PUT'],
            [(c) => nango.proxy({ ...c, method: 'POST' }), 'POST']
        ]) {
            const res = await call({ ...common, data: body });
            assert.equal(res.status, 200, method);
            assert.equal(res.data.method, method);
            assert.equal(res.data.path, '/api/items/7');
            assert.deepEqual(JSON.parse(res.data.body), body, `${method} body`);
            assert.match(res.data.headers['content-type'], /^application\/json/);
        }
        const deleted = await nango.delete(common);
        assert.equal(deleted.status, 200);
        assert.equal(deleted.data.method, 'DELETE');
        assert.equal(deleted.data.body, '');
    });

    it('retries: 429s are retried as many times as asked; without retries the 429 comes back', async () => {
        const { connectionId } = await connect('proxy-retries');
        const before = fake.requests().length;
        fake.throttle('retried', 2);
        const res = await nango.get({ endpoint: '/limited', params: { key: 'retried' }, providerConfigKey: integration, connectionId, retries: 3 });
        assert.equal(res.status, 200);
        assert.equal(fake.requests().length - before, 3, 'two 429s then the answer');

        fake.throttle('plain', 1);
        await assert.rejects(
            nango.get({ endpoint: '/limited', params: { key: 'plain' }, providerConfigKey: integration, connectionId }),
            (err) => err.response?.status === 429 && err.response?.data?.message === 'slow down'
        );
    });

    it('getConnection(…, forceRefresh=true) refreshes exactly once and answers the new token, which the proxy then uses', async () => {
        const { connectionId, tokens } = await connect('force-refresh');
        const plain = await nango.getConnection(integration, connectionId);
        assert.equal(plain.credentials.access_token, tokens.access);
        assert.equal(fake.refreshCount(connectionId), 0, 'a token an hour from expiry is not refreshed');

        const forced = await nango.getConnection(integration, connectionId, true);
        assert.equal(fake.refreshCount(connectionId), 1);
        assert.equal(forced.credentials.type, 'OAUTH2');
        assert.notEqual(forced.credentials.access_token, tokens.access);
        assert.ok(new Date(forced.credentials.expires_at).getTime() > Date.now() + 50 * 60_000, JSON.stringify(forced.credentials.expires_at));

        const again = await nango.getConnection(integration, connectionId);
        assert.equal(again.credentials.access_token, forced.credentials.access_token);
        assert.equal(fake.refreshCount(connectionId), 1, 'no second refresh without forceRefresh');

        const res = await nango.get({ endpoint: '/echo', providerConfigKey: integration, connectionId });
        assert.equal(res.data.headers.authorization, `Bearer ${forced.credentials.access_token}`);
        assert.equal(fake.refreshCount(connectionId), 1);
    });
});
