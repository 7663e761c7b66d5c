using Microsoft.Extensions.DependencyInjection;
using Tributary.Core.Ports;
using Tributary.Storage.Sql;
using Tributary.Storage.Stores;

namespace Tributary.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Registers the stores of one database (SQLite or PostgreSQL, by the <see cref="Database"/> given).</summary>
    /// <param name="recordsCipher">Encrypts record payloads at rest; null stores them in plaintext.</param>
    public static IServiceCollection AddTributaryStorage(this IServiceCollection services, Database database, RecordsPayloadCipher? recordsCipher = null)
    {
        services.AddSingleton(database);
        services.AddSingleton<ITransientErrors>(TransientDatabaseErrors.Instance);
        services.AddSingleton<IApiKeyStore>(sp => new SqlApiKeyStore(database, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IEncryptionKeyStore>(sp => new SqlEncryptionKeyStore(database, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IDeploymentStore>(sp => new SqlDeploymentStore(database, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IIntegrationStore>(_ => new SqlIntegrationStore(database));
        services.AddSingleton<IConnectionStore>(sp => new SqlConnectionStore(database, sp.GetRequiredService<IIntegrationStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ISyncStore>(_ => new SqlSyncStore(database));
        services.AddSingleton<IRunQueueStore>(sp => new SqlRunQueueStore(database, sp.GetService<IEndedRunWebhooks>()));
        services.AddSingleton<ISchedulerUpkeep>(_ => new SqlSchedulerUpkeep(database));
        services.AddSingleton<IRunHistoryStore>(sp => new SqlRunHistoryStore(database, sp.GetService<IEndedRunWebhooks>()));
        services.AddSingleton<IRecordStore>(_ => new SqlRecordStore(database, recordsCipher));
        services.AddSingleton<ICheckpointStore>(_ => new SqlCheckpointStore(database));
        services.AddSingleton<IVariantStore>(_ => new SqlVariantStore(database));
        services.AddSingleton<IOAuthClientStore>(_ => new SqlOAuthClientStore(database));
        services.AddSingleton<IConnectSessionStore>(_ => new SqlConnectSessionStore(database));
        services.AddSingleton<IConnectionCredentialStore>(_ => new SqlConnectionCredentialStore(database));
        services.AddSingleton<IIdempotencyStore>(_ => new SqlIdempotencyStore(database));
        services.AddSingleton<IRunLogStore>(_ => new SqlRunLogStore(database));
        services.AddSingleton<IQueueStatsStore>(_ => new SqlQueueStatsStore(database));
        services.AddSingleton<IWebhookStore>(_ => new SqlWebhookStore(database));
        services.AddSingleton<IWebhookDeliveryStore>(_ => new SqlWebhookDeliveryStore(database));
        if (database.Dialect.NotifiesOtherProcesses)
        {
            services.AddSingleton<PostgresRunWakeups>();
            services.AddSingleton<IRunWakeups>(sp => sp.GetRequiredService<PostgresRunWakeups>());
            services.AddHostedService(sp => sp.GetRequiredService<PostgresRunWakeups>());
        }
        else
        {
            services.AddSingleton<SqliteScheduleWakeups>();
            services.AddSingleton<IRunWakeups>(sp => sp.GetRequiredService<SqliteScheduleWakeups>());
            services.AddHostedService(sp => sp.GetRequiredService<SqliteScheduleWakeups>());
        }

        return services;
    }
}
