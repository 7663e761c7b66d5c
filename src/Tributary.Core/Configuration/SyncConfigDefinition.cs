namespace Tributary.Core.Configuration;

/// <summary>One sync config of an integration, as declared in <c>tributary.yaml</c>.</summary>
/// <param name="Function">Name of the registered sync function that runs this sync (<c>rest:integration/sync</c> for a <c>rest:</c> block).</param>
/// <param name="Frequency">The frequency exactly as written, because Nango reports it back verbatim.</param>
/// <param name="Interval">What <paramref name="Frequency"/> means; never shorter than the scheduling minimum.</param>
public sealed record SyncConfigDefinition(
    string Name,
    string Function,
    IReadOnlyList<string> Models,
    string Frequency,
    TimeSpan Interval,
    bool AutoStart,
    SyncType SyncType,
    bool TrackDeletes)
{
    /// <summary>The line of <c>function:</c> in the file (0 when not read from one), for deploy's errors.</summary>
    public int FunctionLine { get; init; }

    /// <summary>The field path of <c>function:</c>, e.g. <c>integrations.crm.syncs.contacts.function</c>.</summary>
    public string FunctionPath { get; init; } = "";

    /// <summary>The sync's <c>rest:</c> block, when it runs declaratively instead of by a named function.</summary>
    public RestSyncDefinition? Rest { get; init; }
}
