// B16: pages GET /records through @nangohq/node's listRecords and prints one JSON line
// {"pages": n, "records": n, "seconds": s}. Only the paging loop is timed (not node's start or the import).
// Arguments: host providerConfigKey connectionId model limit maxPages; the secret key comes in BENCH_SECRET_KEY
// (an environment variable, not an argument anyone can read in the process list).
// maxPages bounds the loop (every loop bounded); it ends earlier when next_cursor is null.
import { Nango } from '@nangohq/node';

const [host, providerConfigKey, connectionId, model, limitText, maxPagesText] = process.argv.slice(2);
const secretKey = process.env.BENCH_SECRET_KEY;
const limit = Number.parseInt(limitText, 10);
const maxPages = Number.parseInt(maxPagesText, 10);
if (!host || !secretKey || !(limit > 0) || !(maxPages > 0)) {
    console.error('usage: BENCH_SECRET_KEY=… list-records.mjs host providerConfigKey connectionId model limit maxPages');
    process.exit(2);
}

const nango = new Nango({ host, secretKey });
let cursor;
let pages = 0;
let records = 0;
const started = process.hrtime.bigint();
while (pages < maxPages) {
    const page = await nango.listRecords({ providerConfigKey, connectionId, model, limit, cursor });
    pages++;
    records += page.records.length;
    cursor = page.next_cursor;
    if (!cursor) {
        break;
    }
}

const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(JSON.stringify({ pages, records, seconds }));
