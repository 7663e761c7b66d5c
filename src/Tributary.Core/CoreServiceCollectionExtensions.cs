using Microsoft.Extensions.DependencyInjection;
using Tributary.Core.Credentials;
using Tributary.Core.Engine;
using Tributary.Core.Logs;
using Tributary.Core.Ports;
using Tributary.Core.Providers;
using Tributary.Core.Records;
using Tributary.Core.Security;
using Tributary.Core.Services;
using Tributary.Core.Telemetry;
using Tributary.Core.Webhooks;

namespace Tributary.Core;

public static class CoreServiceCollectionExtensions
{
    /// <summary>The engine and services; storage (<c>AddTributaryStorage</c>) and a <see cref="TimeProvider"/> come from the host.</summary>
    /// <remarks>The options arrive bound by the host; they are validated here too, so no embedding skips the checks.</remarks>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is out of range.</exception>
    public static IServiceCollection AddTributaryCore(
        this IServiceCollection services,
        EngineOptions options,
        byte[] encryptionKey,
        RecordsRetentionOptions? retention = null,
        RunsRetentionOptions? runsRetention = null,
        RunLogOptions? runLogs = null,
        WebhookOptions? webhooks = null)
    {
        webhooks = new WebhookOptionsValidator().ThrowIfInvalid(webhooks ?? WebhookOptions.Default);
        new EngineOptionsValidator().ThrowIfInvalid(options);
        retention = new RecordsRetentionOptionsValidator().ThrowIfInvalid(retention ?? RecordsRetentionOptions.Off);
        runsRetention = new RunsRetentionOptionsValidator().ThrowIfInvalid(runsRetention ?? RunsRetentionOptions.Default);
        runLogs = new RunLogOptionsValidator().ThrowIfInvalid(runLogs ?? RunLogOptions.Default);
        var functions = new SyncFunctionRegistry();
        services.AddSingleton(functions);
        services.AddSingleton(options);
        services.AddSingleton(new CredentialProtector(encryptionKey));
        services.AddSingleton<WorkSignal>();
        services.AddSingleton<SchedulerSignal>();
        services.AddSingleton<SchedulerBurst>();
        services.AddSingleton<RunCancellations>();
        services.AddSingleton<ProviderCatalogue>();
        services.AddSingleton<TokenClient>();
        services.AddSingleton<ConnectionChanges>();
        services.AddSingleton<ConnectionCredentials>();
        services.AddSingleton<ProviderHttpClientFactory>();
        services.AddSingleton<DryRun.DryRunTargets>();
        services.AddSingleton<RunCompletions>();
        services.AddSingleton<RunExecutor>();
        services.AddSingleton<WorkerRest>();
        services.AddSingleton<SyncWorker>();
        services.AddSingleton<SyncScheduler>();
        services.AddSingleton<LeaseReaper>();
        services.AddSingleton<OrphanedLeases>();
        services.AddSingleton<TriggerService>();
        services.AddSingleton<StatusService>();
        services.AddSingleton<RunWakeups>();
        services.AddSingleton<ApiKeyService>();
        services.AddSingleton<DeploymentService>();
        services.AddSingleton<IntegrationService>();
        services.AddSingleton<ConnectionService>();
        services.AddSingleton<Connect.ConnectSessionService>();
        services.AddSingleton<Connect.ConnectFlowService>();
        services.AddSingleton<ProxyTargets>();
        services.AddSingleton<ProxyService>();
        services.AddSingleton<VariantService>();
        services.AddSingleton<FrequencyService>();
        services.AddSingleton<RunService>();
        services.AddSingleton<RecordConnections>();
        services.AddSingleton<RecordsService>();
        services.AddSingleton<IdempotencyService>();
        // Before the engine: hosted services stop in reverse order, so the writer outlives the runs' last lines.
        services.AddSingleton<RunLogWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<RunLogWriter>());
        services.AddHostedService<EngineHostedService>();
        services.AddSingleton(retention);
        services.AddHostedService<RecordsRetention>();
        services.AddSingleton(runsRetention);
        services.AddHostedService<RunsRetention>();
        services.AddSingleton<TributaryMetrics>();
        services.AddSingleton(runLogs);
        services.AddSingleton<RunLogs>();
        services.AddSingleton<RunLogService>();
        services.AddHostedService<RunLogsRetention>();
        services.AddSingleton<ConnectionRefreshPass>();
        services.AddHostedService(sp => sp.GetRequiredService<ConnectionRefreshPass>());
        AddWebhooks(services, webhooks);
        return services;
    }

    private static void AddWebhooks(IServiceCollection services, WebhookOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<WebhookSettingsCache>();
        services.AddSingleton<WebhookSigningKeys>();
        services.AddSingleton<WebhookSignal>();
        services.AddSingleton<SyncWebhooks>();
        services.AddSingleton<AuthWebhooks>();
        services.AddSingleton<IEndedRunWebhooks>(sp => sp.GetRequiredService<SyncWebhooks>());
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<OrphanedDeliveries>();
        services.AddSingleton<WebhookService>();
        // No request logging: a receiver URL may carry a token in its query, and no secret may reach a log.
        services.AddHttpClient(WebhookSender.ClientName)
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        services.AddHostedService<WebhookDeliveryWorker>();
        services.AddHostedService<WebhookDeliveriesRetention>();
    }

    /// <summary>Registers a sync function of an embedding application under <paramref name="name"/>.</summary>
    public static IServiceCollection AddSyncFunction<T>(this IServiceCollection services, string name)
        where T : class, Tributary.Sdk.ISyncFunction
    {
        services.AddSingleton(new SyncFunctionRegistration(name, typeof(T)));
        return services;
    }
}

public sealed record SyncFunctionRegistration(string Name, Type Type);
