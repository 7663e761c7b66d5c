// Shared plumbing for the @nangohq/node compatibility suite.
//
// Every network wait here is bounded: plain fetch calls abort after HTTP_TIMEOUT_MS, the Nango
// client's axios instance gets the same timeout through a request interceptor, and every poll loop
// gives up after RUN_TIMEOUT_MS with a message that says what it last saw.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { Nango } from '@nangohq/node';

export const PCK = 'node-demo';
export const HTTP_TIMEOUT_MS = 10_000;
export const HEALTH_TIMEOUT_MS = 5_000;
export const RUN_TIMEOUT_MS = 30_000;
export const POLL_INTERVAL_MS = 200;
/** Metadata the `sample-data` provider reads: how many records per model, and how many change per run. */
export const DEFAULT_METADATA = Object.freeze({ records: 20, change_rate: 0.2 });

export { sleep };

/** Reads TRIBUTARY_URL / TRIBUTARY_SECRET_KEY; throws a readable error when one is missing. */
export function settings() {
    const url = process.env.TRIBUTARY_URL;
    const key = process.env.TRIBUTARY_SECRET_KEY;
    const missing = [];
    if (!url) missing.push('TRIBUTARY_URL');
    if (!key) missing.push('TRIBUTARY_SECRET_KEY');
    if (missing.length > 0) {
        throw new Error(
            `${missing.join(' and ')} not set. Run scripts/test-node.sh, which starts a server and sets both, ` +
                'or export them yourself (e.g. TRIBUTARY_URL=http://127.0.0.1:3003).'
        );
    }
    return { url: stripSlash(url), key };
}

function stripSlash(url) {
    return url.replace(/\/+$/, '');
}

function describeCause(err, timeoutMs = HTTP_TIMEOUT_MS) {
    if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
    const cause = err?.cause;
    if (cause?.code) return cause.message?.includes(cause.code) ? cause.message : `${cause.code}: ${cause.message}`;
    if (cause?.message) return `${err.message}: ${cause.message}`;
    return err?.message ?? String(err);
}

/**
 * Fails fast, with a message a person can act on, when nothing answers at `baseUrl`.
 * Any HTTP answer from `/health` counts as reachable; a prefixed deployment may not expose it.
 */
export async function ensureServer(baseUrl = settings().url) {
    try {
        const res = await fetch(`${stripSlash(baseUrl)}/health`, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) });
        await res.arrayBuffer();
    } catch (err) {
        throw new Error(
            `Tributary server is not reachable at ${baseUrl} (${describeCause(err, HEALTH_TIMEOUT_MS)}). ` +
                'Start it first: scripts/test-node.sh builds the fixture and runs this suite against a fresh server.'
        );
    }
}

/**
 * A real @nangohq/node client. `sent` collects the parsed JSON body of each request it makes,
 * so a test can confirm which wire shape the client produced.
 */
export function makeClient({ host = settings().url, apiKey = settings().key } = {}) {
    const sent = [];
    const nango = new Nango(
        { host, apiKey },
        {
            userAgent: 'tributary-compat-tests',
            interceptors: {
                request: (config) => {
                    if (!config.timeout) config.timeout = HTTP_TIMEOUT_MS;
                    sent.push({ method: config.method, url: config.url, body: parseBody(config.data) });
                    return config;
                }
            }
        }
    );
    return { nango, sent };
}

function parseBody(data) {
    if (data === undefined || data === null) return undefined;
    if (typeof data !== 'string') return data;
    try {
        return JSON.parse(data);
    } catch {
        return data;
    }
}

/**
 * Plain HTTP call with a timeout, for bodies the current client can no longer produce.
 * Returns `{ status, body, headers }`; `body` is parsed JSON when the server sent JSON.
 */
export async function api(path, { method = 'GET', body, headers = {}, key = settings().key, baseUrl = settings().url } = {}) {
    const finalHeaders = { Accept: 'application/json', ...headers };
    if (key !== null) finalHeaders.Authorization = `Bearer ${key}`;
    let payload;
    if (body !== undefined) {
        payload = typeof body === 'string' ? body : JSON.stringify(body);
        if (!Object.keys(finalHeaders).some((h) => h.toLowerCase() === 'content-type')) {
            finalHeaders['Content-Type'] = 'application/json';
        }
    }
    let res;
    try {
        res = await fetch(`${stripSlash(baseUrl)}${path}`, {
            method,
            headers: finalHeaders,
            body: payload,
            signal: AbortSignal.timeout(HTTP_TIMEOUT_MS)
        });
    } catch (err) {
        throw new Error(`${method} ${path} failed: ${describeCause(err)}`);
    }
    const text = await res.text();
    let parsed = text;
    if (text.length > 0) {
        try {
            parsed = JSON.parse(text);
        } catch {
            // keep the raw text: an assertion on it will show what came back
        }
    } else {
        parsed = undefined;
    }
    return { status: res.status, body: parsed, headers: res.headers };
}

/** A connection id no other test file (nor an earlier run on a shared database) uses. */
export function uniqueConnectionId(tag) {
    return `node-${tag}-${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;
}

/** Creates a connection through Nango's import-connection call (`POST /connections`). */
export async function createConnection(connectionId, { metadata = DEFAULT_METADATA, baseUrl, key } = {}) {
    const res = await api('/connections', {
        method: 'POST',
        baseUrl,
        key,
        body: { provider_config_key: PCK, connection_id: connectionId, credentials: { type: 'NONE' }, metadata }
    });
    assert.ok(
        res.status === 200 || res.status === 201,
        `POST /connections for ${connectionId} answered ${res.status}: ${JSON.stringify(res.body)}`
    );
    return res.body;
}

/** Full sync name as the status query spells it: `name` for base, `name::variant` otherwise. */
export function fullName(name, variant = 'base') {
    return variant === 'base' ? name : `${name}::${variant}`;
}

/** The status entry of one sync of one connection, or undefined when the server lists none. */
export async function statusOf(nango, connectionId, name, variant = 'base') {
    const res = await nango.syncStatus(PCK, [fullName(name, variant)], connectionId);
    return res.syncs.find((s) => s.name === name && s.variant === variant);
}

/**
 * Polls `probe` until it returns something other than undefined; fails after `timeout` ms,
 * quoting the last thing `describe` said about the state it saw.
 */
export async function waitFor(probe, { timeout = RUN_TIMEOUT_MS, interval = POLL_INTERVAL_MS, what = 'condition' } = {}) {
    const deadline = Date.now() + timeout;
    let last = 'nothing observed yet';
    for (;;) {
        const outcome = await probe((seen) => {
            last = seen;
        });
        if (outcome !== undefined) return outcome;
        if (Date.now() >= deadline) {
            throw new Error(`Timed out after ${timeout} ms waiting for ${what}; last seen: ${last}`);
        }
        await sleep(interval);
    }
}

function looksBusy(entry) {
    if (entry.status === 'RUNNING') return true;
    // Fields Tributary may add to the status item (DESIGN: currentRun / queuedRuns); absent on Nango.
    if (entry.currentRun) return true;
    const queued = entry.queuedRuns;
    if (typeof queued === 'number' && queued > 0) return true;
    if (Array.isArray(queued) && queued.length > 0) return true;
    return false;
}

/**
 * Whether Tributary's runs API lists a queued run of this sync. Nango's status item cannot show a run that is
 * queued but not started (a trigger during a run queues such a follow-up), so a
 * settle that only reads the status can end between the two runs and see the follow-up start under it.
 */
async function hasQueuedRun(connectionId, name, variant) {
    const query = `provider_config_key=${encodeURIComponent(PCK)}&connection_id=${encodeURIComponent(connectionId)}` +
        `&sync=${encodeURIComponent(name)}&variant=${encodeURIComponent(variant)}&state=queued&limit=1`;
    const res = await api(`/runs?${query}`);
    assert.equal(res.status, 200, `GET /runs answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body.runs.length > 0;
}

/**
 * Whether the sync's schedule is due, so a scheduled run is about to be queued. A new connection's auto_start sync
 * is due at once: a trigger right after creating the connection can run and finish before the scheduler's tick
 * queues that first scheduled run, which would otherwise start under a test that thought the sync settled.
 */
function scheduleIsDue(entry) {
    return typeof entry.nextScheduledSyncAt === 'string' && Date.parse(entry.nextScheduledSyncAt) <= Date.now();
}

function brief(entry) {
    if (!entry) return 'no status entry for this sync';
    const { status, latestExecutionStatus, finishedAt, nextScheduledSyncAt, recordCount } = entry;
    return JSON.stringify({ status, latestExecutionStatus, finishedAt, nextScheduledSyncAt, recordCount });
}

/**
 * Waits until a sync is idle after a successful run that finished after `after` (epoch ms), and
 * stays so for one more poll, with no run of it queued and its schedule not due (so a follow-up run queued behind it,
 * or the first scheduled run of a new connection, gets the chance to show).
 * Returns the status entry.
 */
export async function settle(nango, connectionId, name, { variant = 'base', after } = {}) {
    let candidate;
    return waitFor(
        async (note) => {
            const entry = await statusOf(nango, connectionId, name, variant);
            note(brief(entry));
            const done =
                entry !== undefined &&
                !looksBusy(entry) &&
                entry.latestExecutionStatus === 'SUCCESS' &&
                typeof entry.finishedAt === 'string' &&
                (after === undefined || Date.parse(entry.finishedAt) > after);
            if (!done || scheduleIsDue(entry) || (await hasQueuedRun(connectionId, name, variant))) {
                candidate = undefined;
                return undefined;
            }
            if (candidate === entry.finishedAt) return entry;
            candidate = entry.finishedAt;
            return undefined;
        },
        { what: `a successful run of ${fullName(name, variant)} on ${connectionId}${after ? ` finished after ${new Date(after).toISOString()}` : ''}` }
    );
}

/** Triggers through `call` (which must return the client's AxiosResponse) and waits for the run(s). */
export async function triggerAndSettle(nango, connectionId, call, syncs = [{ name: 'contacts' }]) {
    const t0 = Date.now();
    const res = await call();
    assert.equal(res.status, 200, `trigger answered ${res.status}`);
    assert.equal(res.data?.success, true, `trigger body: ${JSON.stringify(res.data)}`);
    const entries = [];
    for (const s of syncs) {
        entries.push(await settle(nango, connectionId, s.name, { variant: s.variant, after: t0 }));
    }
    return { t0, res, entries };
}

/** Reads every record of a model by following `next_cursor`; bounded to 100 pages. */
export async function allRecords(nango, connectionId, model, { variant, limit } = {}) {
    const records = [];
    const pages = [];
    let cursor;
    for (let page = 0; page < 100; page++) {
        const res = await nango.listRecords({ providerConfigKey: PCK, connectionId, model, variant, limit, cursor });
        assert.ok(Array.isArray(res.records), `records is not an array: ${JSON.stringify(res)}`);
        pages.push(res);
        records.push(...res.records);
        if (res.next_cursor === null) return { records, pages };
        assert.equal(typeof res.next_cursor, 'string', `next_cursor must be a string or null, got ${JSON.stringify(res.next_cursor)}`);
        cursor = res.next_cursor;
    }
    throw new Error(`more than 100 pages of ${model} for ${connectionId}: next_cursor never became null`);
}

/**
 * Asserts that `promise` rejects with an HTTP error of `status` whose body is Nango's
 * `{ error: { code } }` with `code`. A rejection without a response (network, client-side
 * validation) fails with what it was instead.
 */
export async function expectApiError(promise, status, code) {
    await assert.rejects(promise, (err) => {
        if (!err?.response) {
            assert.fail(`expected HTTP ${status} ${code}, got an error without a response: ${err?.message ?? err}`);
        }
        const body = err.response.data;
        assert.equal(err.response.status, status, `HTTP status (body: ${JSON.stringify(body)})`);
        assert.equal(body?.error?.code, code, `error.code (body: ${JSON.stringify(body)})`);
        return true;
    });
}

/** Same as expectApiError for a response obtained with `api()`. */
export function assertApiError(res, status, code) {
    assert.equal(res.status, status, `HTTP status (body: ${JSON.stringify(res.body)})`);
    assert.equal(res.body?.error?.code, code, `error.code (body: ${JSON.stringify(res.body)})`);
}
