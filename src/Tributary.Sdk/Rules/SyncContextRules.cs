using Microsoft.Extensions.Logging;

namespace Tributary.Sdk.Rules;

/// <summary>The rules of <see cref="SyncContext"/> calls that are not about one record: declared models, windows, strategies.</summary>
internal static class SyncContextRules
{
    private const int DuplicatesLogged = 10;

    /// <summary>Refuses a model the sync does not declare.</summary>
    /// <exception cref="InvalidRecordsException">The model is not declared.</exception>
    public static void EnsureDeclared(IReadOnlyList<string> models, string model)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(model);
        if (!models.Contains(model, StringComparer.Ordinal))
        {
            throw new InvalidRecordsException(
                $"The model '{model}' is not included in the declared sync models: {string.Join(", ", models)}.");
        }
    }

    /// <summary>What <see cref="SyncContext.TrackDeletesEndAsync"/> throws when no window is open.</summary>
    public static InvalidOperationException NoDeletionWindow(string model) =>
        new($"No track deletes starting point found for model '{model}': call TrackDeletesStartAsync before TrackDeletesEndAsync.");

    /// <summary>A second <see cref="SyncContext.SetMergingStrategyAsync"/> of a model in one run is logged and ignored.</summary>
    public static void LogStrategyIgnored(ILogger logger, string model, MergingStrategy strategy) =>
        logger.LogWarning("The merging strategy of model {Model} was already set in this run; {Strategy} is ignored.", model, strategy);

    /// <summary>Repeated ids of one batch are logged (the first ten by name) and dropped.</summary>
    public static void LogDuplicates(ILogger logger, string model, IReadOnlyList<string> duplicates)
    {
        foreach (var duplicate in duplicates.Take(DuplicatesLogged))
        {
            logger.LogWarning("Found duplicate key '{Key}' for model {Model}. The record was ignored.", duplicate, model);
        }

        if (duplicates.Count > DuplicatesLogged)
        {
            logger.LogWarning("Found {Count} duplicate keys for model {Model} in one batch (first occurrence kept); the first 10 are listed above.", duplicates.Count, model);
        }
    }
}
