using Tributary.Core.Domain;
using Tributary.Core.Ports;

namespace Tributary.Core.Services;

/// <summary>
/// Remembered answers of requests sent with an idempotency key, per environment, for 24 hours: reserve a key
/// before the request runs, then remember its answer or free the key.
/// </summary>
public sealed class IdempotencyService
{
    private static readonly TimeSpan KeepFor = TimeSpan.FromHours(24);

    private readonly IIdempotencyStore _store;
    private readonly TimeProvider _timeProvider;

    public IdempotencyService(IIdempotencyStore store, TimeProvider timeProvider)
    {
        _store = store;
        _timeProvider = timeProvider;
    }

    /// <summary>Reserves the key for the request with this hash, unless an answer or a running request of the last 24 hours holds it.</summary>
    public Task<IdempotencyReservation> ReserveAsync(Tenant tenant, string key, string requestHash, CancellationToken cancellationToken)
    {
        var now = Micros.Now(_timeProvider);
        return _store.ReserveAsync(tenant.EnvironmentId, key, requestHash, now, now - (long)KeepFor.TotalMicroseconds, cancellationToken);
    }

    /// <summary>Remembers the answer of a reserved key, to replay it to a repeat.</summary>
    public Task RememberAsync(Tenant tenant, string key, int status, string response, CancellationToken cancellationToken) =>
        _store.CompleteAsync(tenant.EnvironmentId, key, status, response, cancellationToken);

    /// <summary>Frees a reserved key whose request gave no answer worth replaying.</summary>
    public Task ReleaseAsync(Tenant tenant, string key, CancellationToken cancellationToken) =>
        _store.ReleaseAsync(tenant.EnvironmentId, key, cancellationToken);
}
