using Tributary.Core;
using Tributary.Core.Configuration;
using Tributary.Core.Declarative;
using Tributary.Core.DryRun;
using Tributary.Core.Errors;
using Tributary.Core.Engine;
using Tributary.Core.Providers;
using Tributary.Functions.SampleData;
using Tributary.Sdk;
using Tributary.Server.Hosting.Functions;
using Tributary.Storage;
using Tributary.Storage.Sql;
using Tributary.Storage.Stores;

namespace Tributary.Server.Hosting;

/// <summary>
/// The engine's services for <c>dryrun</c>, composed without a web host: the same storage, credentials, provider
/// catalogue and function registry as <see cref="TributaryApp"/>, but nothing that writes at start — no migration, no
/// environment or key creation, no deploy, no key file created, and no hosted service is ever started.
/// </summary>
/// <remarks>
/// The file is read as a start reads it (its <c>providers:</c> overlay the catalogue, its <c>functions:</c> assemblies are
/// loaded), so the function and the provider template are the ones a run of this process would use.
/// </remarks>
public sealed class DryRunHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly Database _database;

    private DryRunHost(ServiceProvider services, Database database)
    {
        _services = services;
        _database = database;
    }

    /// <summary>The environment a dryrun looks connections up in: the one <c>serve</c> creates.</summary>
    public const string Environment = Bootstrapper.DevEnvironment;

    public DryRunTargets Targets => _services.GetRequiredService<DryRunTargets>();

    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting is invalid.</exception>
    /// <exception cref="ConfigException">The file is invalid, or a function assembly does not load.</exception>
    /// <exception cref="InvalidInputException">There is no database or credentials key to use (<c>no_database</c>, <c>no_encryption_key</c>).</exception>
    public static async Task<DryRunHost> OpenAsync(TributaryServerOptions options, Action<IServiceCollection>? configureServices, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        new TributaryServerOptionsValidator().ThrowIfInvalid(options);
        var config = File.Exists(options.ConfigPath) ? ConfigLoader.LoadFile(options.ConfigPath) : ConfigLoader.Demo;
        var key = EncryptionKey(options);
        if (DatabaseFactory.SelectsSqlite(options.DatabaseUrl) && !File.Exists(DatabaseFactory.SqlitePath(options.DataDir)))
        {
            // Opening SQLite would create an empty file: a dryrun creates nothing.
            throw new InvalidInputException("no_database", $"There is no database at {DatabaseFactory.SqlitePath(options.DataDir)}; start `tributary serve` or run `tributary deploy` first.");
        }

        var database = DatabaseFactory.Open(options.DatabaseUrl, options.DataDir);
        try
        {
            var services = new ServiceCollection();
            services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
            services.AddSingleton(TimeProvider.System);
            services.AddTributaryStorage(database, RecordsPayloadCipher.FromBase64(options.RecordsEncryptionKey));
            services.AddTributaryCore(new EngineOptions { RunScheduler = false, RunWorkers = false }, key, options.RecordsRetention, options.RunsRetention, options.RunLogs, options.Webhooks);
            services.AddSyncFunction<SampleDataSyncFunction>(SampleDataSyncFunction.Name);
            configureServices?.Invoke(services);
            var provider = services.BuildServiceProvider();
            var host = new DryRunHost(provider, database);
            var registry = provider.GetRequiredService<SyncFunctionRegistry>();
            foreach (var registration in provider.GetServices<SyncFunctionRegistration>())
            {
                registry.Register(registration.Name, registration.Type);
            }

            var loaded = FunctionAssemblyLoader.RegisterAll(config, registry);
            if (loaded.Errors.Count > 0)
            {
                await host.DisposeAsync();
                throw new ConfigException(loaded.Errors);
            }

            // The file's rest: syncs, as the server registers them: a dryrun runs them like any function.
            DeclarativeFunctions.RegisterAll(config, registry);

            provider.GetRequiredService<ProviderCatalogue>().Use(config.Providers);
            return host;
        }
        catch (Exception ex) when (ex is not ConfigException)
        {
            await database.DisposeAsync();
            throw;
        }
    }

    /// <summary>The function the sync config names, created as a run creates it (in its own scope).</summary>
    /// <exception cref="InvalidOperationException">No function of that name is registered.</exception>
    public (ISyncFunction Function, IAsyncDisposable Scope) CreateFunction(string name)
    {
        var scope = _services.CreateAsyncScope();
        try
        {
            return (_services.GetRequiredService<SyncFunctionRegistry>().Create(name, scope.ServiceProvider), scope);
        }
        catch
        {
            scope.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _database.DisposeAsync();
    }

    /// <summary>The configured key, else the data folder's file; never a new one (a new key could open nothing).</summary>
    private static byte[] EncryptionKey(TributaryServerOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.EncryptionKey))
        {
            return Convert.FromBase64String(options.EncryptionKey.Trim());
        }

        var file = Path.Combine(options.DataDir, DataFolder.EncryptionKeyFileName);
        return File.Exists(file)
            ? Convert.FromBase64String(File.ReadAllText(file).Trim())
            : throw new InvalidInputException("no_encryption_key", $"There is no credentials key: set TRIBUTARY_ENCRYPTION_KEY or use the data folder that holds {DataFolder.EncryptionKeyFileName} (looked in {options.DataDir}).");
    }
}
