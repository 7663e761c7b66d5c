using Microsoft.Extensions.DependencyInjection;
using Tributary.Core.Domain;
using Tributary.Core.Ports;
using Tributary.Core.Webhooks;

namespace Tributary.Server.Tests.Providers;

/// <summary>
/// Plays a second process in one server: when armed, the next refresh-lease request is preceded by that process's
/// failed refresh, recorded through the real store under another owner, exactly between the caller's read of the
/// credentials and its lease.
/// </summary>
public sealed class FailureElsewhereBeforeLease
{
    private const string OtherProcess = "refresh-other-process";
    private string? _failure;
    private int _fired;

    public int Fired => Volatile.Read(ref _fired);

    public void Arm(string failure) => Volatile.Write(ref _failure, failure);

    /// <summary>Replaces the server's credential store with the real one behind this interposer.</summary>
    public void Wrap(IServiceCollection services)
    {
        var real = services.Last(d => d.ServiceType == typeof(IConnectionCredentialStore));
        services.AddSingleton<IConnectionCredentialStore>(sp => new Store((IConnectionCredentialStore)real.ImplementationFactory!(sp), this));
    }

    private sealed class Store(IConnectionCredentialStore inner, FailureElsewhereBeforeLease race) : IConnectionCredentialStore
    {
        public async Task<bool> TryLeaseAsync(long connectionDbId, string owner, long now, long until, CancellationToken cancellationToken)
        {
            if (Interlocked.Exchange(ref race._failure, null) is { } failure)
            {
                await inner.RecordFailureAsync(connectionDbId, OtherProcess, failure, Micros.Now(TimeProvider.System), [], cancellationToken);
                Interlocked.Increment(ref race._fired);
            }

            return await inner.TryLeaseAsync(connectionDbId, owner, now, until, cancellationToken);
        }

        public Task<StoredCredentials?> GetAsync(long connectionDbId, CancellationToken cancellationToken) =>
            inner.GetAsync(connectionDbId, cancellationToken);

        public Task SetConfigAndExpiryAsync(long connectionDbId, string connectionConfigJson, long? expiresAt, CancellationToken cancellationToken) =>
            inner.SetConfigAndExpiryAsync(connectionDbId, connectionConfigJson, expiresAt, cancellationToken);

        public Task ReleaseLeaseAsync(long connectionDbId, string owner, CancellationToken cancellationToken) =>
            inner.ReleaseLeaseAsync(connectionDbId, owner, cancellationToken);

        public Task SaveRefreshedAsync(long connectionDbId, string owner, byte[] encryptedCredentials, long? expiresAt, long now, CancellationToken cancellationToken) =>
            inner.SaveRefreshedAsync(connectionDbId, owner, encryptedCredentials, expiresAt, now, cancellationToken);

        public Task<bool> RecordFailureAsync(
            long connectionDbId, string owner, string failure, long now, IReadOnlyList<OutboxWebhook> firstFailureWebhooks, CancellationToken cancellationToken) =>
            inner.RecordFailureAsync(connectionDbId, owner, failure, now, firstFailureWebhooks, cancellationToken);

        public Task OverrideAsync(
            long connectionDbId, string connectionConfigJson, byte[] encryptedCredentials, long? expiresAt, long now, IReadOnlyList<OutboxWebhook> webhooks, CancellationToken cancellationToken) =>
            inner.OverrideAsync(connectionDbId, connectionConfigJson, encryptedCredentials, expiresAt, now, webhooks, cancellationToken);

        public Task<IReadOnlyList<long>> ListExpiringAsync(long before, int maxAttempts, int limit, CancellationToken cancellationToken) =>
            inner.ListExpiringAsync(before, maxAttempts, limit, cancellationToken);
    }
}
