using Tributary.Core.Records;
using Tributary.Core.Domain;
using Tributary.Core.Errors;
using Tributary.Core.Ports;

namespace Tributary.Core.Services;

/// <summary>Reading a connection's records page by page, and pruning their payloads up to a cursor.</summary>
public sealed class RecordsService
{
    private readonly IConnectionStore _connections;
    private readonly IRecordStore _records;
    private readonly RecordConnections _readTargets;
    private readonly TimeProvider _timeProvider;

    public RecordsService(IConnectionStore connections, IRecordStore records, RecordConnections readTargets, TimeProvider timeProvider)
    {
        _connections = connections;
        _records = records;
        _readTargets = readTargets;
        _timeProvider = timeProvider;
    }

    /// <summary>One page of the model's records; <see cref="RecordPageQuery.ConnectionDbId"/> is resolved here (pass 0).</summary>
    public async Task<RecordPage> ReadPageAsync(Tenant tenant, string providerConfigKey, string connectionId, RecordPageQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var connectionDbId = await ReadTargetAsync(tenant, providerConfigKey, connectionId, cancellationToken);
        return await _records.ReadPageAsync(query with { ConnectionDbId = connectionDbId, Owner = new(tenant.EnvironmentId, providerConfigKey, connectionId) }, cancellationToken);
    }

    /// <summary>
    /// Resolves the connection (failing before anything is written), then hands back the page's rows as the
    /// database returns them: up to <see cref="RecordPageQuery.Limit"/> + 1, the extra one meaning "more".
    /// </summary>
    /// <remarks>
    /// <paramref name="cursor"/> is decoded once the connection is found (400 <c>invalid_cursor</c>): Nango looks the
    /// connection up first, so a bad cursor of an unknown connection is <c>unknown_connection</c>.
    /// </remarks>
    public async Task<IAsyncEnumerable<RecordPageRow>> OpenPageAsync(Tenant tenant, string providerConfigKey, string connectionId, RecordPageQuery query, string? cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var connectionDbId = await ReadTargetAsync(tenant, providerConfigKey, connectionId, cancellationToken);
        var after = cursor is null ? query.AfterSeq : RecordCursor.Decode(cursor, "cursor");
        return _records.StreamPageAsync(query with { ConnectionDbId = connectionDbId, Owner = new(tenant.EnvironmentId, providerConfigKey, connectionId), AfterSeq = after }, cancellationToken);
    }

    /// <summary>Empties the payloads of up to <paramref name="limit"/> records at or before <paramref name="untilCursor"/>'s record.</summary>
    /// <remarks>The cursor is decoded after the connection is found, as in <see cref="OpenPageAsync"/>.</remarks>
    /// <returns>
    /// How many were pruned, and Nango's optimistic <c>has_more</c>: something was pruned and the last one was not the
    /// cursor's record (which may have moved past the cursor since, leaving a short batch that is not the end).
    /// </returns>
    public async Task<(int Count, bool HasMore)> PruneAsync(Tenant tenant, string providerConfigKey, string connectionId, string model, string untilCursor, int limit, CancellationToken cancellationToken)
    {
        var connection = await FindConnectionAsync(tenant, providerConfigKey, connectionId, cancellationToken);
        var untilSeq = RecordCursor.Decode(untilCursor, "until_cursor");
        var pruned = await _records.PruneAsync(connection.Id, model, untilSeq, limit, Micros.Now(_timeProvider), cancellationToken);
        return (pruned.Count, pruned.Count > 0 && pruned.LastSeq != untilSeq);
    }

    /// <summary>The connection's database id for a read, from <see cref="RecordConnections"/> while it is fresh.</summary>
    private async ValueTask<long> ReadTargetAsync(Tenant tenant, string providerConfigKey, string connectionId, CancellationToken cancellationToken)
    {
        if (_readTargets.TryGet(tenant.EnvironmentId, providerConfigKey, connectionId, out var cached))
        {
            return cached;
        }

        var generation = _readTargets.Generation;
        var connection = await FindConnectionAsync(tenant, providerConfigKey, connectionId, cancellationToken);
        _readTargets.Keep(tenant.EnvironmentId, providerConfigKey, connectionId, connection.Id, generation);
        return connection.Id;
    }

    private async Task<Connection> FindConnectionAsync(Tenant tenant, string providerConfigKey, string connectionId, CancellationToken cancellationToken) =>
        await _connections.GetAsync(tenant.EnvironmentId, connectionId, providerConfigKey, cancellationToken)
            ?? throw new InvalidInputException("unknown_connection", "Provided ConnectionId and ProviderConfigKey does not match a valid connection");
}
