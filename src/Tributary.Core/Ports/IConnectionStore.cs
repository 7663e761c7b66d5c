using Tributary.Core.Domain;

namespace Tributary.Core.Ports;

/// <summary>Connections: create (with their syncs), read, metadata, delete (with everything they own).</summary>
public interface IConnectionStore
{
    /// <summary>Creates a connection and one sync per enabled sync config, in one transaction.</summary>
    /// <returns>The connection, or null when one with that id already exists for the integration.</returns>
    Task<Connection?> CreateAsync(NewConnection connection, CancellationToken cancellationToken);

    Task<Connection?> GetAsync(long environmentId, string connectionId, string? providerConfigKey, CancellationToken cancellationToken);

    Task<Connection?> GetByIdAsync(long connectionDbId, CancellationToken cancellationToken);

    Task<IReadOnlyList<Connection>> ListAsync(long environmentId, string? connectionId, CancellationToken cancellationToken);

    Task UpdateMetadataAsync(long connectionDbId, string metadataJson, CancellationToken cancellationToken);

    /// <summary>One page of the environment's connections in id order (keyset: <see cref="ConnectionListFilter.AfterId"/>).</summary>
    Task<ConnectionPage> ListPageAsync(long environmentId, ConnectionListFilter filter, CancellationToken cancellationToken);

    /// <summary>Replaces the connection's end user and/or tags (a null argument leaves that one as it is).</summary>
    Task UpdateProfileAsync(long connectionDbId, string? endUserJson, string? tagsJson, CancellationToken cancellationToken);

    /// <summary>The named connections of one integration that exist, in one read.</summary>
    Task<IReadOnlyList<Connection>> GetManyAsync(long environmentId, IReadOnlyList<string> connectionIds, string providerConfigKey, CancellationToken cancellationToken);

    /// <summary>Writes each connection's metadata document in one statement (all or nothing).</summary>
    Task UpdateMetadataManyAsync(IReadOnlyList<MetadataWrite> writes, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes a connection with everything it owns (syncs, runs, checkpoints, records) in one transaction; queued
    /// and running runs are cancelled first so their workers see a lost lease.
    /// </summary>
    /// <returns>The runs it moved from running to cancelled (to stop in this process), or null when there was no such connection.</returns>
    Task<IReadOnlyList<long>?> DeleteAsync(long connectionDbId, long now, CancellationToken cancellationToken);
}

/// <summary>
/// Which connections a list page holds, newest first (Nango's order): optional filters, the last id of the previous
/// page (<see cref="AfterId"/>, ours) or Nango's page number (<see cref="Page"/>: skips <c>Page × Limit</c>), the page size.
/// </summary>
public sealed record ConnectionListFilter(string? ConnectionId, IReadOnlyList<string>? ProviderConfigKeys, long? AfterId, int Limit)
{
    /// <summary>Part of the connection id, the end user's display name or email, any case (Nango's <c>search</c>).</summary>
    public string? Search { get; init; }

    /// <summary>The end user's id (Nango's <c>endUserId</c>).</summary>
    public string? EndUserId { get; init; }

    /// <summary>The end user's organization id (Nango's <c>endUserOrganizationId</c>).</summary>
    public string? EndUserOrganizationId { get; init; }

    /// <summary>Tags every listed connection has, each with this value (Nango's <c>tags[key]=value</c>, keys lower-cased).</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>Nango's zero-based page number.</summary>
    public int? Page { get; init; }
}

/// <summary>A page of connections; <see cref="HasMore"/> when a next page exists (its cursor is the last id).</summary>
public sealed record ConnectionPage(IReadOnlyList<Connection> Connections, bool HasMore);

/// <summary>A connection's new metadata document.</summary>
public sealed record MetadataWrite(long ConnectionDbId, string MetadataJson);

public sealed record NewConnection(
    long EnvironmentId,
    long IntegrationId,
    string ConnectionId,
    string CredentialsType,
    byte[] EncryptedCredentials,
    string MetadataJson,
    long Now)
{
    /// <summary>Nango's <c>webhook_url_override</c>; null for none.</summary>
    public string? WebhookUrlOverride { get; init; }

    /// <summary>The end user of a connection made through a connect session (JSON text); null for none.</summary>
    public string? EndUserJson { get; init; }

    /// <summary>The connection's tags (a JSON object's text); null for none.</summary>
    public string? TagsJson { get; init; }

    /// <summary>
    /// Auth webhooks (the <c>creation</c> one) to add to the outbox in the transaction that inserts the connection; the
    /// store sets each row's <see cref="OutboxWebhook.ConnectionRowId"/> to the new connection's id.
    /// </summary>
    public IReadOnlyList<Webhooks.OutboxWebhook> Webhooks { get; init; } = [];
}
