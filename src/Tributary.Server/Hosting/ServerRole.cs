namespace Tributary.Server.Hosting;

/// <summary>What one <c>tributary serve</c> process runs.</summary>
public enum ServerRole
{
    /// <summary>The API and the engine (scheduler and workers).</summary>
    All,

    /// <summary>The API only; deploys the configuration at start.</summary>
    Api,

    /// <summary>The scheduler and workers only; serves <c>/health</c> and nothing else.</summary>
    Worker,
}

/// <summary>The one place a role's command-line name is parsed and written.</summary>
public static class ServerRoles
{
    /// <summary>The names <c>--role</c> accepts, in documentation order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["all", "api", "worker"];

    /// <summary>Parses a name of <see cref="Names"/> (case-insensitive).</summary>
    public static bool TryParse(string? name, out ServerRole role)
    {
        switch (name?.Trim().ToLowerInvariant())
        {
            case "all":
                role = ServerRole.All;
                return true;
            case "api":
                role = ServerRole.Api;
                return true;
            case "worker":
                role = ServerRole.Worker;
                return true;
            default:
                role = default;
                return false;
        }
    }

    /// <exception cref="ArgumentException">The name is not one of <see cref="Names"/>.</exception>
    public static ServerRole Parse(string name) =>
        TryParse(name, out var role) ? role : throw new ArgumentException($"--role: must be {string.Join(", ", Names)}; got '{name}'.", nameof(name));

    public static string ToName(this ServerRole role) => role switch
    {
        ServerRole.All => "all",
        ServerRole.Api => "api",
        ServerRole.Worker => "worker",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Not a server role."),
    };

    /// <summary>Whether the process serves the Nango API (and so deploys the configuration).</summary>
    public static bool ServesApi(this ServerRole role) => role is ServerRole.All or ServerRole.Api;

    /// <summary>Whether the process runs the scheduler and workers.</summary>
    public static bool RunsEngine(this ServerRole role) => role is ServerRole.All or ServerRole.Worker;
}
