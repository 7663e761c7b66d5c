-- The delivery worker claims a delivery (its lease: owner, expiry, attempts) before it posts it, then marks it
-- delivered. None of the claim's columns is indexed, so PostgreSQL can write the claimed row version on the same
-- page without new index entries (a HOT update) — if the page has room. The outbox is written full (fillfactor
-- 100): every claim was a full update, a new entry in each of the five indexes for every row, and the claim walks
-- the due index over those entries. Measured on the medium benchmark's outbox (10,000 pending, batches of 256):
-- 6–18 ms per claim, 2.3–2.5 ms with half of each page left free, every claim HOT. A claim takes consecutive rows,
-- so all rows of a page are claimed together and need room for a second version each: half the page. Applies to
-- pages written from now on; the outbox's rows are new rows. The cost: the outbox takes about twice the space.
ALTER TABLE webhook_deliveries SET (fillfactor = 50);
