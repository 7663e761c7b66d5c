// Tributary's sync webhooks, received by a real HTTP server in this process and checked with
// @nangohq/node's own verifyIncomingWebhookRequest (and the deprecated verifyWebhookSignature).

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';

import { Nango } from '@nangohq/node';

import { PCK, api, createConnection, ensureServer, makeClient, settings, uniqueConnectionId, waitFor } from '../lib/helpers.js';

/** A receiver on a loopback port that keeps every POST's raw body and headers. */
async function startReceiver() {
    const received = [];
    const server = createServer((req, res) => {
        const chunks = [];
        req.on('data', (chunk) => chunks.push(chunk));
        req.on('end', () => {
            received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
            res.writeHead(200).end();
        });
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { server, received, url: `http://127.0.0.1:${server.address().port}/hook` };
}

describe('sync webhooks verified by @nangohq/node', { timeout: 120_000 }, () => {
    const cid = uniqueConnectionId('webhooks');
    let receiver;
    let signingKey;

    before(async () => {
        await ensureServer();
        receiver = await startReceiver();
        const res = await api('/environment/webhook-settings', {
            method: 'PATCH',
            body: { primary_url: receiver.url, on_sync_completion_always: true }
        });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        signingKey = res.body.webhook_signing_key;
        await createConnection(cid);
    });

    after(async () => {
        // Other suites share the environment: stop sending it webhooks once this receiver is gone.
        await api('/environment/webhook-settings', { method: 'PATCH', body: { primary_url: '' } });
        await new Promise((resolve) => receiver.server.close(resolve));
    });

    it('delivers one webhook per model that verifyIncomingWebhookRequest accepts', async () => {
        const { nango } = makeClient();
        await nango.triggerSync(PCK, ['contacts'], cid);
        // The sync also starts on its own (auto_start; the trigger may coalesce into that run): wait until every
        // run seen so far has sent its two webhooks, one per model.
        const complete = (hooks) => {
            const perRun = new Map();
            for (const hook of hooks) {
                const run = JSON.parse(hook.body).tributaryRunId;
                perRun.set(run, (perRun.get(run) ?? 0) + 1);
            }
            return hooks.length >= 2 && [...perRun.values()].every((n) => n === 2);
        };
        const mine = await waitFor(
            async (note) => {
                const hooks = receiver.received.filter((r) => JSON.parse(r.body).connectionId === cid);
                note(`${hooks.length} webhooks for ${cid}`);
                return complete(hooks) ? hooks : undefined;
            },
            { what: `each run's two webhooks for ${cid}` }
        );

        const verifier = new Nango({ host: settings().url, secretKey: settings().key, webhookSigningKey: signingKey });
        const withoutKey = new Nango({ host: settings().url, secretKey: settings().key });
        for (const hook of mine) {
            assert.equal(verifier.verifyIncomingWebhookRequest(hook.body, hook.headers), true, hook.body);
            assert.equal(verifier.verifyIncomingWebhookRequest(`${hook.body} `, hook.headers), false, 'a changed body fails');
            assert.equal(withoutKey.verifyIncomingWebhookRequest(hook.body, hook.headers), false, 'the secret key is not the signing key');
            assert.equal(verifier.verifyWebhookSignature(hook.headers['x-nango-signature'], JSON.parse(hook.body)), true, 'legacy signature');
            const body = JSON.parse(hook.body);
            assert.equal(body.from, 'nango');
            assert.equal(body.type, 'sync');
            assert.equal(body.providerConfigKey, PCK);
            assert.equal(body.syncName, 'contacts');
            assert.equal(body.success, true);
            assert.equal(typeof body.tributaryRunId, 'string');
            assert.deepEqual(Object.keys(body), [...Object.keys(body)].sort(), 'keys sorted');
        }
        const byRun = new Map();
        for (const hook of mine) {
            const run = JSON.parse(hook.body).tributaryRunId;
            byRun.set(run, [...(byRun.get(run) ?? []), hook]);
        }
        for (const [run, hooks] of byRun) {
            assert.deepEqual(hooks.map((h) => JSON.parse(h.body).model).sort(), ['Company', 'Contact'], `run ${run}`);
        }
    });

    it('rotating the signing key signs later webhooks with the new key', async () => {
        const rotated = await api('/environment/webhook-signing-key/rotate', { method: 'POST' });
        assert.equal(rotated.status, 200);
        const newKey = rotated.body.data.webhook_signing_key;
        assert.notEqual(newKey, signingKey);
        const seen = receiver.received.length;
        const { nango } = makeClient();
        await nango.triggerSync(PCK, ['contacts'], cid);
        const later = await waitFor(
            async (note) => {
                const hooks = receiver.received.slice(seen).filter((r) => JSON.parse(r.body).connectionId === cid);
                note(`${hooks.length} new webhooks`);
                return hooks.length >= 2 ? hooks : undefined;
            },
            { what: 'two webhooks after the rotation' }
        );
        const verifier = new Nango({ host: settings().url, secretKey: settings().key, webhookSigningKey: newKey });
        for (const hook of later) {
            assert.equal(verifier.verifyIncomingWebhookRequest(hook.body, hook.headers), true, 'verified with the new key');
        }
    });
});
