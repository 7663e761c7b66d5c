using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tributary.Core;
using Tributary.Core.Engine;
using Tributary.Core.Records;
using Tributary.Core.Webhooks;
using Tributary.Server.Hosting;

namespace Tributary.Cli.Tests.Options;

/// <summary>Every validator's failure names the setting as a user sets it; the defaults pass.</summary>
public sealed class ValidatorTests
{
    private static readonly string Key = Convert.ToBase64String(new byte[32]);

    [Fact]
    public void Defaults_AreValid()
    {
        Assert.True(new TributaryServerOptionsValidator().Validate(null, new TributaryServerOptions()).Succeeded);
        Assert.True(new EngineOptionsValidator().Validate(null, new EngineOptions()).Succeeded);
        Assert.True(new RecordsRetentionOptionsValidator().Validate(null, RecordsRetentionOptions.Off).Succeeded);
        Assert.True(new TributaryServerOptionsValidator().Validate(null, new TributaryServerOptions { EncryptionKey = Key, RecordsEncryptionKey = Key, PathBase = "/nango" }).Succeeded);
    }

    [Theory]
    [InlineData(nameof(TributaryServerOptions.Port), "--port / TRIBUTARY_PORT: must be 1-65535; got 70000.")]
    [InlineData(nameof(TributaryServerOptions.DataDir), "--data-dir / TRIBUTARY_DATA_DIR: must not be empty.")]
    [InlineData(nameof(TributaryServerOptions.ConfigPath), "--config / TRIBUTARY_CONFIG: must not be empty.")]
    [InlineData(nameof(TributaryServerOptions.Host), "--host / TRIBUTARY_HOST: must not be empty.")]
    [InlineData(nameof(TributaryServerOptions.Role), "--role: must be all, api, worker.")]
    [InlineData(nameof(TributaryServerOptions.PathBase), "--path-base / TRIBUTARY_PATH_BASE: must start with '/' (e.g. /nango); got 'nango'.")]
    [InlineData(nameof(TributaryServerOptions.RateLimitPerMinute), "--rate-limit-per-minute / TRIBUTARY_RATE_LIMIT_PER_MINUTE: must be 0 (off) or more; got -5.")]
    [InlineData(nameof(TributaryServerOptions.EncryptionKey), "TRIBUTARY_ENCRYPTION_KEY: must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`).")]
    [InlineData(nameof(TributaryServerOptions.RecordsEncryptionKey), "TRIBUTARY_RECORDS_ENCRYPTION_KEY: must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`).")]
    public void ServerOptions_EachFailureNamesItsSetting(string property, string message)
    {
        var options = new TributaryServerOptions();
        switch (property)
        {
            case nameof(TributaryServerOptions.Port): options.Port = 70000; break;
            case nameof(TributaryServerOptions.DataDir): options.DataDir = " "; break;
            case nameof(TributaryServerOptions.ConfigPath): options.ConfigPath = string.Empty; break;
            case nameof(TributaryServerOptions.Host): options.Host = string.Empty; break;
            case nameof(TributaryServerOptions.Role): options.Role = (ServerRole)7; break;
            case nameof(TributaryServerOptions.PathBase): options.PathBase = "nango"; break;
            case nameof(TributaryServerOptions.RateLimitPerMinute): options.RateLimitPerMinute = -5; break;
            case nameof(TributaryServerOptions.EncryptionKey): options.EncryptionKey = "c2VjcmV0LXNob3J0"; break;
            case nameof(TributaryServerOptions.RecordsEncryptionKey): options.RecordsEncryptionKey = "c2VjcmV0LXNob3J0"; break;
        }

        var error = Assert.Throws<OptionsValidationException>(() => new TributaryServerOptionsValidator().ThrowIfInvalid(options));

        Assert.Equal(message, error.Message);
        Assert.DoesNotContain("c2VjcmV0LXNob3J0", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(nameof(EngineOptions.WorkerSlots), "--worker-slots (Engine:WorkerSlots): must be at least 1; got 0.")]
    [InlineData(nameof(EngineOptions.LeaseDuration), "--lease-seconds (Engine:LeaseDuration): must be at least 1 second; got 0.5 s.")]
    [InlineData(nameof(EngineOptions.PollInterval), "--poll-ms (Engine:PollInterval): must be at least 1 ms; got 0 ms.")]
    [InlineData(nameof(EngineOptions.SchedulerInterval), "Engine:SchedulerInterval: must be more than zero; got 0 s.")]
    [InlineData(nameof(EngineOptions.ReaperInterval), "Engine:ReaperInterval: must be more than zero; got -1 s.")]
    [InlineData(nameof(EngineOptions.SchedulerBatchSize), "Engine:SchedulerBatchSize: must be at least 1; got 0.")]
    [InlineData(nameof(EngineOptions.ShutdownGrace), "Engine:ShutdownGrace: must not be negative; got -1 s.")]
    public void EngineOptions_EachFailureNamesItsSetting(string property, string message)
    {
        var options = property switch
        {
            nameof(EngineOptions.WorkerSlots) => new EngineOptions { WorkerSlots = 0 },
            nameof(EngineOptions.LeaseDuration) => new EngineOptions { LeaseDuration = TimeSpan.FromSeconds(0.5) },
            nameof(EngineOptions.PollInterval) => new EngineOptions { PollInterval = TimeSpan.Zero },
            nameof(EngineOptions.SchedulerInterval) => new EngineOptions { SchedulerInterval = TimeSpan.Zero },
            nameof(EngineOptions.ReaperInterval) => new EngineOptions { ReaperInterval = TimeSpan.FromSeconds(-1) },
            nameof(EngineOptions.SchedulerBatchSize) => new EngineOptions { SchedulerBatchSize = 0 },
            _ => new EngineOptions { ShutdownGrace = TimeSpan.FromSeconds(-1) },
        };

        var error = Assert.Throws<OptionsValidationException>(() => new EngineOptionsValidator().ThrowIfInvalid(options));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void RecordsRetention_NegativeDays_NamesTheVariable_AndZeroIsOff()
    {
        var error = Assert.Throws<OptionsValidationException>(() => new RecordsRetentionOptionsValidator().ThrowIfInvalid(RecordsRetentionOptions.FromDays(-3)));
        var batch = new RecordsRetentionOptionsValidator().Validate(null, RecordsRetentionOptions.Off with { BatchSize = 0, Interval = TimeSpan.Zero });

        Assert.Equal("TRIBUTARY_RECORDS_RETENTION_DAYS: must be a whole number of days (0 or unset turns retention off); got -3.", error.Message);
        Assert.Equal(
            ["RecordsRetention:Interval: must be more than zero.", "RecordsRetention:BatchSize: must be at least 1; got 0."],
            batch.Failures);
        Assert.Same(RecordsRetentionOptions.Off, RecordsRetentionOptions.FromDays(0));
        Assert.Equal(TimeSpan.FromDays(7), RecordsRetentionOptions.FromDays(7).PruneAfter);
    }

    [Fact]
    public void WebhookRetention_NegativeDays_NamesTheVariable_AndItsPassNeedsAnIntervalAndABatch()
    {
        var days = new WebhookOptionsValidator().Validate(null, WebhookOptions.Default.WithRetentionDays(-3));
        var pass = new WebhookOptionsValidator().Validate(null, WebhookOptions.Default with { RetentionInterval = TimeSpan.Zero, RetentionBatchSize = 0 });

        Assert.Equal(["TRIBUTARY_WEBHOOK_RETENTION_DAYS (Webhooks:KeepFor): must be a whole number of days (0 keeps finished deliveries for ever); got -3."], days.Failures);
        Assert.Equal(["Webhooks:RetentionInterval: must be more than zero.", "Webhooks:RetentionBatchSize: must be at least 1; got 0."], pass.Failures);
        Assert.True(new WebhookOptionsValidator().Validate(null, WebhookOptions.Default.WithRetentionDays(0)).Succeeded);
        Assert.Null(WebhookOptions.Default.WithRetentionDays(0).KeepFor);
    }

    [Fact]
    public void AddTributaryCore_RefusesInvalidEngineOptions_SoNoEmbeddingSkipsTheCheck()
    {
        var error = Assert.Throws<OptionsValidationException>(() =>
            new ServiceCollection().AddTributaryCore(new EngineOptions { WorkerSlots = 0 }, new byte[32]));

        Assert.Contains("--worker-slots", error.Message, StringComparison.Ordinal);
    }
}
