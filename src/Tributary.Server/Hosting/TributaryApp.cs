using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tributary.Core;
using Tributary.Core.Engine;
using Tributary.Server.Endpoints;
using Tributary.Server.Endpoints.OpenApi;
using Tributary.Server.Http;
using Tributary.Storage;
using Tributary.Storage.Sql;

namespace Tributary.Server.Hosting;

/// <summary>The composition root: one web application with the API and (by role) the engine.</summary>
public static class TributaryApp
{
    public static async Task<WebApplication> BuildAsync(
        TributaryServerOptions options,
        EngineOptions engine,
        Action<IServiceCollection>? configureServices = null,
        CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://{options.Host}:{options.Port}");
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
        var database = options.DatabaseUrl is { Length: > 0 } url ? Database.Postgres(url) : Database.Sqlite(dataFolder.SqliteFile);
        engine.RunWorkers = engine.RunWorkers && options.Role is "all" or "worker";
        engine.RunScheduler = engine.RunScheduler && options.Role is "all" or "worker";

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(dataFolder);
        services.AddSingleton(TimeProvider.System);
        services.AddTributaryStorage(database);
        services.AddTributaryCore(engine, dataFolder.EncryptionKey());
        services.AddSingleton<ApiKeyAuthentication>();
        services.AddSingleton<Bootstrapper>();
        services.AddTributaryOpenApi();
        configureServices?.Invoke(services);

        var app = builder.Build();
        var registry = app.Services.GetRequiredService<SyncFunctionRegistry>();
        foreach (var registration in app.Services.GetServices<SyncFunctionRegistration>())
        {
            registry.Register(registration.Name, registration.Type);
        }

        var bootstrapper = app.Services.GetRequiredService<Bootstrapper>();
        var tenant = await bootstrapper.MigrateAndEnsureEnvironmentAsync(options.AutoMigrate, cancellationToken);
        var generated = await bootstrapper.EnsureSecretKeyAsync(tenant, options.SecretKey, cancellationToken);
        if (generated is not null)
        {
            Console.WriteLine($"Generated the secret key of the dev environment (kept in {dataFolder.Path}/secret-key):");
            Console.WriteLine($"  {generated}");
        }

        if (options.Role is "all" or "api")
        {
            await bootstrapper.DeployAsync(tenant, options.ConfigPath, cancellationToken);
        }

        if (!string.IsNullOrEmpty(options.PathBase))
        {
            app.UsePathBase(options.PathBase);
        }

        app.UseMiddleware<ErrorHandlingMiddleware>();
        app.UseMiddleware<RateLimitMiddleware>();
        if (options.Role is "all" or "api")
        {
            app.MapHealthEndpoints();
            app.MapSyncEndpoints();
            app.MapRecordsEndpoints();
            app.MapConnectionEndpoints();
            app.MapRunEndpoints();
            app.MapIntegrationEndpoints();
            app.MapFrequencyEndpoints();
            app.MapVariantEndpoints();
            app.MapOpenApiEndpoints();
        }
        else
        {
            app.MapHealthEndpoints();
        }

        return app;
    }
}
