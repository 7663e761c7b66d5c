using System.Data.Common;
using Tributary.Core.Webhooks;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>
/// Adds a completion's webhooks to the outbox inside the completion's own transaction (or an auth webhook inside the
/// transaction of the connection change it reports): they commit with the result they report, or not at all.
/// </summary>
/// <remarks>
/// A run completion batch buffers its rows with <see cref="Add"/> and writes them with one statement in
/// <see cref="FlushAsync"/> before it commits (PostgreSQL: one round trip over unnest instead of one per webhook;
/// SQLite: one prepared statement stepped per row). The bodies arrive rendered: nothing is serialized or signed
/// inside the transaction (signatures are computed when a delivery is sent, with the key of that moment).
/// </remarks>
internal sealed class WebhookOutbox : IAsyncDisposable
{
    private const string InsertSql = $"""
        INSERT INTO webhook_deliveries (environment_id, connection_row_id, connection_id, provider_config_key, run_id, event,
            url, body, state, next_attempt_at, window_started_at, created_at)
        VALUES (@env, @connection_row, @connection, @key, @run, @event, @url, @body, '{DeliveryStates.Pending}', @now, @now, @now)
        """;

    private readonly DbCommand _insert;
    private readonly DbParameter _env, _connectionRow, _connection, _key, _run, _event, _url, _body, _now;
    private readonly DbConnection _dbConnection;
    private readonly DbTransaction _transaction;
    private readonly SqlDialect? _dialect;
    private readonly List<(long RunId, OutboxWebhook Webhook, long Now)> _buffered = [];

    /// <param name="dialect">Needed only for <see cref="Add"/> and <see cref="FlushAsync"/>.</param>
    public WebhookOutbox(DbConnection connection, DbTransaction transaction, SqlDialect? dialect = null)
    {
        _dbConnection = connection;
        _transaction = transaction;
        _dialect = dialect;
        _insert = connection.Command(InsertSql, transaction);
        _env = _insert.Parameter("env");
        _connectionRow = _insert.Parameter("connection_row");
        _connection = _insert.Parameter("connection");
        _key = _insert.Parameter("key");
        _run = _insert.Parameter("run");
        _run.DbType = System.Data.DbType.Int64;
        _event = _insert.Parameter("event");
        _url = _insert.Parameter("url");
        _body = _insert.Parameter("body");
        _now = _insert.Parameter("now");
    }

    /// <param name="runId">The run the webhooks report; null for auth webhooks.</param>
    public async Task AddAsync(long? runId, IReadOnlyList<OutboxWebhook> webhooks, long now, CancellationToken cancellationToken)
    {
        foreach (var webhook in webhooks)
        {
            _env.Value = webhook.EnvironmentId;
            _connectionRow.Value = webhook.ConnectionRowId;
            _connection.Value = webhook.ConnectionId;
            _key.Value = webhook.ProviderConfigKey;
            _run.Value = runId is { } id ? id : DBNull.Value;
            _event.Value = webhook.Event;
            _url.Value = webhook.Url;
            _body.Value = webhook.Body;
            _now.Value = now;
            await _insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Buffers a run's webhooks for <see cref="FlushAsync"/>, which must run before the transaction commits.</summary>
    public void Add(long runId, IReadOnlyList<OutboxWebhook> webhooks, long now)
    {
        foreach (var webhook in webhooks)
        {
            _buffered.Add((runId, webhook, now));
        }
    }

    /// <summary>Writes every buffered row with one statement, in the order they were added.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_buffered.Count == 0)
        {
            return;
        }

        var d = _dialect ?? throw new InvalidOperationException("A buffered outbox needs the dialect.");
        var rows = _buffered;
        var batch = new RowBatch(rows.Count)
            .Int64("env", i => rows[i].Webhook.EnvironmentId)
            .Int64("crow", i => rows[i].Webhook.ConnectionRowId)
            .Text("conn", i => rows[i].Webhook.ConnectionId)
            .Text("pkey", i => rows[i].Webhook.ProviderConfigKey)
            .Int64("run", i => rows[i].RunId)
            .Text("evt", i => rows[i].Webhook.Event)
            .Text("url", i => rows[i].Webhook.Url)
            .Text("body", i => rows[i].Webhook.Body)
            .Int64("at", i => rows[i].Now);
        var sql = $"""
            INSERT INTO webhook_deliveries (environment_id, connection_row_id, connection_id, provider_config_key, run_id, event,
                url, body, state, next_attempt_at, window_started_at, created_at)
            {d.InsertRows($"{d.Row("env")}, {d.Row("crow")}, {d.Row("conn")}, {d.Row("pkey")}, {d.Row("run")}, {d.Row("evt")}, {d.Row("url")}, {d.Row("body")}, '{DeliveryStates.Pending}', {d.Row("at")}, {d.Row("at")}, {d.Row("at")}", "env", "crow", "conn", "pkey", "run", "evt", "url", "body", "at")}
            """;
        await d.ExecuteRowsAsync(_dbConnection, _transaction, sql, batch, static _ => { }, cancellationToken);
        _buffered.Clear();
    }

    public ValueTask DisposeAsync() => _insert.DisposeAsync();
}
