using Tributary.Core;
using Tributary.Core.Configuration;
using Tributary.Core.Declarative;
using Tributary.Core.Engine;
using Tributary.Core.Records;
using Tributary.Core.Webhooks;
using Tributary.Functions.SampleData;
using Tributary.Server.Dashboard;
using Tributary.Server.Endpoints;
using Tributary.Server.Endpoints.OpenApi;
using Tributary.Server.Hosting.Functions;
using Tributary.Storage;
using Tributary.Storage.Sql;
using Tributary.Storage.Stores;

namespace Tributary.Server.Hosting;

/// <summary>The composition root: one web application with the API and (by role) the engine.</summary>
/// <remarks>
/// Settings arrive as options objects (the CLI binds them from flags and TRIBUTARY_* variables); they are validated
/// first, before the data folder, the database or a migration is touched.
/// </remarks>
public static class TributaryApp
{
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting is invalid; the message names it.</exception>
    public static async Task<WebApplication> BuildAsync(
        TributaryServerOptions options,
        EngineOptions engine,
        Action<IServiceCollection>? configureServices = null,
        CancellationToken cancellationToken = default)
    {
        new TributaryServerOptionsValidator().ThrowIfInvalid(options);
        new EngineOptionsValidator().ThrowIfInvalid(engine);
        new RecordsRetentionOptionsValidator().ThrowIfInvalid(options.RecordsRetention);
        new RunsRetentionOptionsValidator().ThrowIfInvalid(options.RunsRetention);
        new Core.Logs.RunLogOptionsValidator().ThrowIfInvalid(options.RunLogs);
        new WebhookOptionsValidator().ThrowIfInvalid(options.Webhooks);

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://{options.Host}:{options.Port}");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = RequestLimits.MaxBodyBytes);
        builder.Logging.ClearProviders();
        if (!options.Quiet)
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
        }

        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);

        var dataFolder = new DataFolder(options.DataDir);
        var database = DatabaseFactory.Open(options.DatabaseUrl, dataFolder.Path);
        var roleEngine = engine with
        {
            RunWorkers = engine.RunWorkers && options.Role.RunsEngine(),
            RunScheduler = engine.RunScheduler && options.Role.RunsEngine(),
        };

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton<Connect.ConnectWebSockets>();
        services.AddSingleton(dataFolder);
        services.AddSingleton(TimeProvider.System);
        services.AddTributaryStorage(database, RecordsPayloadCipher.FromBase64(options.RecordsEncryptionKey));
        var encryptionKey = dataFolder.EncryptionKey(options.EncryptionKey);
        services.AddTributaryCore(roleEngine, encryptionKey.Key, options.RecordsRetention, options.RunsRetention, options.RunLogs, options.Webhooks);
        services.AddTributaryTelemetry(options);
        services.AddSingleton<ApiKeyAuthentication>();
        services.AddSingleton<Bootstrapper>();
        services.AddSingleton(sp => new DashboardTickets(encryptionKey.Key, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<DashboardSessions>();
        services.AddSingleton<DashboardAssets>();
        services.AddSingleton<DemoConnectionSeeder>();
        services.AddSyncFunction<SampleDataSyncFunction>(SampleDataSyncFunction.Name);
        if (options.Role.ServesApi())
        {
            // Only a process that serves the API document builds it: registering the generator loads MVC's API
            // explorer and the OpenAPI model (~2.5 MB resident in a worker that serves /health alone, issue 8's B11).
            services.AddTributaryOpenApi();
        }
        // Created by the container (a factory, not an instance), so the container disposes it: the app owns its database.
        services.AddSingleton(_ => new DatabaseOwnership(database));
        configureServices?.Invoke(services);

        var app = builder.Build();

        // A singleton is disposed with its container only once it was created: created now, it closes the database with the app.
        app.Services.GetRequiredService<DatabaseOwnership>();
        var registry = app.Services.GetRequiredService<SyncFunctionRegistry>();
        foreach (var registration in app.Services.GetServices<SyncFunctionRegistration>())
        {
            registry.Register(registration.Name, registration.Type);
        }

        var bootstrapper = app.Services.GetRequiredService<Bootstrapper>();
        Tenant tenant;
        string? generated;
        TributaryConfig config;
        try
        {
            // Every role reads the file: workers run the functions its `functions:` names. The roles that deploy check,
            // before the database is touched, that every sync's function resolves and lists its models.
            config = File.Exists(options.ConfigPath) ? ConfigLoader.LoadFile(options.ConfigPath) : ConfigLoader.Demo;
            var loaded = FunctionAssemblyLoader.RegisterAll(config, registry);
            DeclarativeFunctions.RegisterAll(config, registry);
            // A worker-only process never deploys, yet its runs need the file's providers (base URL, headers).
            app.Services.GetRequiredService<Tributary.Core.Providers.ProviderCatalogue>().Use(config.Providers);
            if (options.Role.ServesApi())
            {
                FunctionCheck.ThrowIfInvalid(config, registry, loaded.Errors, loaded.Unloaded);
            }
            else if (loaded.Errors.Count > 0)
            {
                throw new ConfigException(loaded.Errors);
            }

            tenant = await bootstrapper.MigrateAndEnsureEnvironmentAsync(options.AutoMigrate, cancellationToken);
            await bootstrapper.VerifyEncryptionKeyAsync(encryptionKey, cancellationToken);
            generated = await bootstrapper.EnsureSecretKeyAsync(tenant, options.SecretKey, cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        if (generated is not null)
        {
            Console.WriteLine($"Generated the secret key of the dev environment (kept in {dataFolder.Path}/secret-key):");
            Console.WriteLine($"  {generated}");
        }

        if (options.Role.ServesApi())
        {
            await bootstrapper.DeployAsync(tenant, config, File.Exists(options.ConfigPath) ? options.ConfigPath : null, cancellationToken);
        }

        if (!string.IsNullOrEmpty(options.PathBase))
        {
            app.UsePathBase(options.PathBase);
            app.UseMiddleware<PathBaseOnlyMiddleware>();
        }

        app.UseMiddleware<ErrorHandlingMiddleware>();
        app.UseMiddleware<RateLimitMiddleware>();
        app.UseTributaryMetrics(options);
        if (options.Role.ServesApi())
        {
            // Before routing: it turns /dashboard/api/* into the public API's paths (docs/dashboard.md).
            app.UseMiddleware<DashboardMiddleware>();
        }

        app.UseWebSockets(); // the connect flow's socket at / (Connect/ConnectWebSockets)
        app.UseRouting();
        if (options.Role.ServesApi())
        {
            app.MapHealthEndpoints();
            app.MapSyncEndpoints();
            app.MapRecordsEndpoints();
            app.MapConnectionEndpoints();
            app.MapRunEndpoints();
            app.MapRunLogEndpoints();
            app.MapIntegrationEndpoints();
            app.MapProviderEndpoints();
            app.MapScriptsConfigEndpoints();
            app.MapFrequencyEndpoints();
            app.MapVariantEndpoints();
            app.MapWebhookEndpoints();
            app.MapConnectSessionEndpoints();
            app.MapConnectFlowEndpoints();
            app.MapProxyEndpoints();
            app.MapOpenApiEndpoints();
        }
        else
        {
            app.MapHealthEndpoints();
        }

        return app;
    }
}
