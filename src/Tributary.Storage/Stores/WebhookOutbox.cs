using System.Data.Common;
using Tributary.Core.Webhooks;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>
/// Adds a completion's webhooks to the outbox inside the completion's own transaction (or an auth webhook inside the
/// transaction of the connection change it reports): they commit with the result they report, or not at all.
/// </summary>
internal sealed class WebhookOutbox : IAsyncDisposable
{
    private const string InsertSql = $"""
        INSERT INTO webhook_deliveries (environment_id, connection_row_id, connection_id, provider_config_key, run_id, event,
            url, body, state, next_attempt_at, window_started_at, created_at)
        VALUES (@env, @connection_row, @connection, @key, @run, @event, @url, @body, '{DeliveryStates.Pending}', @now, @now, @now)
        """;

    private readonly DbCommand _insert;
    private readonly DbParameter _env, _connectionRow, _connection, _key, _run, _event, _url, _body, _now;

    public WebhookOutbox(DbConnection connection, DbTransaction transaction)
    {
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

    public ValueTask DisposeAsync() => _insert.DisposeAsync();
}
