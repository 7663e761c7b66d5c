using Microsoft.Extensions.DependencyInjection;
using Tributary.Core.Ports;
using Tributary.Core.Webhooks;

namespace Tributary.Server.Tests.Providers;

/// <summary>
/// Puts the test between the refresh path and the server's real credential store: a one-shot step armed by the test
/// runs just before the next lease request or the next save of refreshed tokens, to place another process's action
/// (or a cancellation) exactly inside the refresh.
/// </summary>
public sealed class CredentialStoreInterposer
{
    private Func<IConnectionCredentialStore, long, Task>? _beforeLease;
    private Func<CancellationToken, Task>? _beforeSaveRefreshed;
    private int _fired;

    /// <summary>How many armed steps have run.</summary>
    public int Fired => Volatile.Read(ref _fired);

    /// <summary>Before the next lease request: <paramref name="step"/> gets the real store and the connection's row id.</summary>
    public void BeforeNextLease(Func<IConnectionCredentialStore, long, Task> step) => Volatile.Write(ref _beforeLease, step);

    /// <summary>Before the next save of refreshed tokens: <paramref name="step"/> gets the token the save is given.</summary>
    public void BeforeNextSaveRefreshed(Func<CancellationToken, Task> step) => Volatile.Write(ref _beforeSaveRefreshed, step);

    /// <summary>Replaces the server's credential store with the real one behind this interposer.</summary>
    public void Wrap(IServiceCollection services)
    {
        var real = services.Last(d => d.ServiceType == typeof(IConnectionCredentialStore));
        services.AddSingleton<IConnectionCredentialStore>(sp => new Store((IConnectionCredentialStore)real.ImplementationFactory!(sp), this));
    }

    private sealed class Store(IConnectionCredentialStore inner, CredentialStoreInterposer interposer) : IConnectionCredentialStore
    {
        public async Task<bool> TryLeaseAsync(long connectionDbId, string owner, long now, long until, CancellationToken cancellationToken)
        {
            if (Interlocked.Exchange(ref interposer._beforeLease, null) is { } step)
            {
                await step(inner, connectionDbId);
                Interlocked.Increment(ref interposer._fired);
            }

            return await inner.TryLeaseAsync(connectionDbId, owner, now, until, cancellationToken);
        }

        public async Task SaveRefreshedAsync(long connectionDbId, string owner, byte[] encryptedCredentials, long? expiresAt, long now, CancellationToken cancellationToken)
        {
            if (Interlocked.Exchange(ref interposer._beforeSaveRefreshed, null) is { } step)
            {
                await step(cancellationToken);
                Interlocked.Increment(ref interposer._fired);
            }

            await inner.SaveRefreshedAsync(connectionDbId, owner, encryptedCredentials, expiresAt, now, cancellationToken);
        }

        public Task<StoredCredentials?> GetAsync(long connectionDbId, CancellationToken cancellationToken) =>
            inner.GetAsync(connectionDbId, cancellationToken);

        public Task SetConfigAndExpiryAsync(long connectionDbId, string connectionConfigJson, long? expiresAt, CancellationToken cancellationToken) =>
            inner.SetConfigAndExpiryAsync(connectionDbId, connectionConfigJson, expiresAt, cancellationToken);

        public Task ReleaseLeaseAsync(long connectionDbId, string owner, CancellationToken cancellationToken) =>
            inner.ReleaseLeaseAsync(connectionDbId, owner, cancellationToken);

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
