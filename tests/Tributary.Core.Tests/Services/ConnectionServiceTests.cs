using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Tributary.Core.Credentials;
using Tributary.Core.Domain;
using Tributary.Core.Engine;
using Tributary.Core.Errors;
using Tributary.Core.Ports;
using Tributary.Core.Security;
using Tributary.Core.Services;

namespace Tributary.Core.Tests.Services;

public sealed class ConnectionServiceTests
{
    private static readonly Tenant Dev = new(1, "dev");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_WakesTheWorkersOfThisProcessAndOfOtherProcesses()
    {
        var (service, signal, others, _) = Build(duplicate: false);

        var created = await service.CreateAsync(Dev, new NewConnectionRequest("demo", "acme", new JsonObject { ["type"] = "NONE" }, "{}"), Token);

        Assert.Equal("acme", created.ConnectionId);
        Assert.Equal(1, others.Published);
        Assert.True(await signal.WaitAsync(TimeSpan.FromSeconds(5), TimeProvider.System, Token));
    }

    [Fact]
    public async Task Create_WhenTheConnectionExists_IsAConflictAndWakesNobody()
    {
        var (service, signal, others, _) = Build(duplicate: true);

        var error = await Assert.ThrowsAsync<ConflictException>(() =>
            service.CreateAsync(Dev, new NewConnectionRequest("demo", "acme", new JsonObject { ["type"] = "NONE" }, "{}"), Token));

        Assert.Equal("duplicate_connection", error.Code);
        Assert.Equal(0, others.Published);
        Assert.False(await signal.WaitAsync(TimeSpan.FromMilliseconds(50), TimeProvider.System, Token));
    }

    [Fact]
    public async Task Create_StoresTheCredentialsEncrypted()
    {
        var (service, _, _, connections) = Build(duplicate: false);

        await service.CreateAsync(Dev, new NewConnectionRequest("demo", "acme", new JsonObject { ["type"] = "API_KEY", ["apiKey"] = "sk_secret" }, "{}"), Token);

        var stored = Assert.Single(connections.Created);
        Assert.Equal("API_KEY", stored.CredentialsType);
        Assert.DoesNotContain("sk_secret", System.Text.Encoding.UTF8.GetString(stored.EncryptedCredentials), StringComparison.Ordinal);
    }

    private static (ConnectionService Service, WorkSignal Signal, CountingWakeups Others, OneIntegrationStores Stores) Build(bool duplicate)
    {
        var signal = new WorkSignal();
        var others = new CountingWakeups();
        var stores = new OneIntegrationStores(duplicate);
        var service = new ConnectionService(
            stores,
            stores,
            new CredentialProtector(new byte[32]),
            null!, // credentials without expires_at or connection_config: nothing for the credential store
            null!,
            new RunWakeups(signal, new SchedulerSignal(), others),
            new RunCancellations(),
            new FakeTimeProvider(),
            new ConnectionChanges(),
            new Tributary.Core.Providers.ProviderCatalogue());
        return (service, signal, others, stores);
    }

    private sealed class CountingWakeups : IRunWakeups
    {
        public int Published { get; private set; }

        public Task PublishAsync(CancellationToken cancellationToken)
        {
            Published++;
            return Task.CompletedTask;
        }

        public Task PublishSchedulesAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>One integration <c>demo</c>; connection creation succeeds unless <c>duplicate</c>. Nothing else is used.</summary>
    private sealed class OneIntegrationStores(bool duplicate) : IIntegrationStore, IConnectionStore
    {
        public List<NewConnection> Created { get; } = [];

        public Task<Integration?> GetAsync(long environmentId, string uniqueKey, CancellationToken cancellationToken) =>
            Task.FromResult<Integration?>(uniqueKey == "demo" ? new Integration(7, environmentId, "demo", "sample-data", null, null, 0, 0) : null);

        public Task<Connection?> CreateAsync(NewConnection connection, CancellationToken cancellationToken)
        {
            if (duplicate)
            {
                return Task.FromResult<Connection?>(null);
            }

            Created.Add(connection);
            return Task.FromResult<Connection?>(new Connection(
                1, connection.EnvironmentId, connection.IntegrationId, "demo", "sample-data", connection.ConnectionId,
                connection.CredentialsType, connection.EncryptedCredentials, connection.MetadataJson, connection.Now, connection.Now));
        }

        public Task<IReadOnlyList<Integration>> ListAsync(long environmentId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<SyncConfig>> GetSyncConfigsAsync(long integrationId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<SyncConfig>> ListDeployedSyncConfigsAsync(long environmentId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Integration?> CreateAsync(long environmentId, string uniqueKey, string provider, string? displayName, bool forwardWebhooks, long now, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<Integration?> UpdateAsync(long integrationId, string? uniqueKey, string? displayName, bool? forwardWebhooks, long now, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<long> CountConnectionsAsync(long integrationId, CancellationToken cancellationToken) => throw new NotSupportedException();

        Task<IReadOnlyList<long>> IIntegrationStore.DeleteAsync(long integrationId, long now, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Connection?> GetAsync(long environmentId, string connectionId, string? providerConfigKey, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<Connection?> GetByIdAsync(long connectionDbId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<Connection>> ListAsync(long environmentId, string? connectionId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task UpdateMetadataAsync(long connectionDbId, string metadataJson, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<ConnectionPage> ListPageAsync(long environmentId, ConnectionListFilter filter, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task UpdateProfileAsync(long connectionDbId, string? endUserJson, string? tagsJson, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<Connection>> GetManyAsync(long environmentId, IReadOnlyList<string> connectionIds, string providerConfigKey, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task UpdateMetadataManyAsync(IReadOnlyList<MetadataWrite> writes, CancellationToken cancellationToken) => throw new NotSupportedException();

        Task<IReadOnlyList<long>?> IConnectionStore.DeleteAsync(long connectionDbId, long now, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
