namespace Tributary.Server.Hosting;

/// <summary>Everything <c>tributary serve</c> (and tests) can set; the CLI fills it from flags and TRIBUTARY_* variables.</summary>
public sealed class TributaryServerOptions
{
    /// <summary>Where SQLite, the generated secret key and the encryption key live.</summary>
    public string DataDir { get; set; } = ".tributary";

    /// <summary>A PostgreSQL connection string or URL; null selects SQLite in <see cref="DataDir"/>.</summary>
    public string? DatabaseUrl { get; set; }

    /// <summary>The configuration file; when it does not exist the demo configuration is deployed.</summary>
    public string ConfigPath { get; set; } = "tributary.yaml";

    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 3003;

    /// <summary><c>all</c> (API and workers), <c>api</c> or <c>worker</c>.</summary>
    public string Role { get; set; } = "all";

    /// <summary>The dev environment's secret key; generated and kept in the data folder when not set.</summary>
    public string? SecretKey { get; set; }

    /// <summary>A path prefix the API is served under (e.g. <c>/nango</c>).</summary>
    public string? PathBase { get; set; }

    /// <summary>Requests per minute per environment; 0 disables the limit.</summary>
    public int RateLimitPerMinute { get; set; } = 60_000;

    public bool AutoMigrate { get; set; } = true;

    public bool Quiet { get; set; }
}
