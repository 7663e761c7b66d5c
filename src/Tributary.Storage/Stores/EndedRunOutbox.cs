using System.Data.Common;
using System.Text.Json;
using Tributary.Core.Ports;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>
/// Writes the failure webhooks of runs a store ended outside their worker (a cancellation, the reaper) inside the
/// transaction that ended them: the runs' facts are read in it, the webhooks rendered, and added to the outbox.
/// </summary>
internal static class EndedRunOutbox
{
    private const string FactsSql = """
        SELECT r.id, r.trigger_source, r.error, r.attempt_started_at, c.environment_id, c.id, c.connection_id, i.unique_key,
            c.webhook_url_override, s.name, s.variant, sc.models, s.last_sync_date
        FROM runs r
        JOIN syncs s ON s.id = r.sync_id
        JOIN connections c ON c.id = s.connection_id
        JOIN integrations i ON i.id = c.integration_id
        JOIN sync_configs sc ON sc.id = s.sync_config_id
        WHERE
        """;

    /// <summary>Adds the failure webhooks of <paramref name="runIds"/>; true when any was written.</summary>
    public static async Task<bool> AddAsync(
        IEndedRunWebhooks? webhooks, SqlDialect dialect, DbConnection connection, DbTransaction transaction, IReadOnlyList<long> runIds, long now, CancellationToken cancellationToken)
    {
        if (webhooks is null || runIds.Count == 0)
        {
            return false;
        }

        List<EndedRun> runs;
        await using (var command = connection.Command($"{FactsSql} {dialect.InList("r.id", "ids")}", transaction).WithList(dialect, "ids", runIds))
        {
            runs = await SqlRows.ReadAllAsync<EndedRun>(command, _ => Read, cancellationToken);
        }

        var written = false;
        await using var outbox = new WebhookOutbox(connection, transaction);
        foreach (var run in runs)
        {
            var rendered = await webhooks.FailedAsync(run, now, cancellationToken);
            await outbox.AddAsync(run.RunId, rendered, now, cancellationToken);
            written |= rendered.Count > 0;
        }

        return written;
    }

    private static EndedRun Read(DbDataReader row) => new(
        row.GetInt64(0),
        row.GetString(1),
        row.GetNullableString(2) ?? "The run ended.",
        row.GetNullableInt64(3),
        row.GetInt64(4),
        row.GetInt64(5),
        row.GetString(6),
        row.GetString(7),
        row.GetNullableString(8),
        row.GetString(9),
        row.GetString(10),
        JsonSerializer.Deserialize(row.GetString(11), SqlJson.Default.IReadOnlyListString) ?? [],
        row.GetNullableInt64(12));
}
