using Tributary.Core.Domain;
using Tributary.Core.Engine;
using Tributary.Core.Errors;
using Tributary.Core.Ports;

namespace Tributary.Core.Services;

/// <summary>Sync variants: extra syncs of a deployed sync config on one connection.</summary>
public sealed class VariantService
{
    /// <summary>Nango's default <c>variants_per_sync_max</c>; the base variant counts.</summary>
    public const int MaxVariantsPerSync = 100;

    private readonly IConnectionStore _connections;
    private readonly IVariantStore _variants;
    private readonly RunCancellations _cancellations;
    private readonly TimeProvider _timeProvider;

    public VariantService(IConnectionStore connections, IVariantStore variants, RunCancellations cancellations, TimeProvider timeProvider)
    {
        _connections = connections;
        _variants = variants;
        _cancellations = cancellations;
        _timeProvider = timeProvider;
    }

    /// <returns>The new sync's id.</returns>
    public async Task<string> CreateAsync(Tenant tenant, VariantTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var connection = await FindConnectionAsync(tenant, target, cancellationToken);
        var result = await _variants.CreateAsync(
            new NewVariant(connection.Id, connection.IntegrationId, target.SyncName, target.Variant, MaxVariantsPerSync, Micros.Now(_timeProvider)),
            cancellationToken);
        return result.Status switch
        {
            VariantCreationStatus.Created => result.SyncId!, // set when created
            VariantCreationStatus.Capped => throw new LimitReachedException("resource_capped", $"Maximum number of variants per sync ({MaxVariantsPerSync}) reached"),
            VariantCreationStatus.AlreadyExists => throw new InvalidInputException("sync_variant_already_exists", null),
            _ => throw NangoErrors.UnknownSync(),
        };
    }

    /// <summary>Deletes the variant's sync with its runs and checkpoints (its records stay) and stops its run in this process.</summary>
    public async Task DeleteAsync(Tenant tenant, VariantTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var connection = await FindConnectionAsync(tenant, target, cancellationToken);
        var stopped = await _variants.DeleteAsync(connection.Id, target.SyncName, target.Variant, Micros.Now(_timeProvider), cancellationToken)
            ?? throw new NotFoundException("not_found", null);
        _cancellations.Cancel(stopped);
    }

    private async Task<Connection> FindConnectionAsync(Tenant tenant, VariantTarget target, CancellationToken cancellationToken) =>
        await _connections.GetAsync(tenant.EnvironmentId, target.ConnectionId, target.ProviderConfigKey, cancellationToken)
            ?? throw NangoErrors.UnknownConnectionCode();
}

/// <summary>A sync variant as a request names it.</summary>
public sealed record VariantTarget(string ProviderConfigKey, string ConnectionId, string SyncName, string Variant);
