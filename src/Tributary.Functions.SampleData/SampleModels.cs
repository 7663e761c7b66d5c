namespace Tributary.Functions.SampleData;

/// <summary>The models sample-data can write, and which of them a sync declares.</summary>
internal static class SampleModels
{
    /// <summary>
    /// Every model, in the order a generation writes them: companies before the contacts and deals that
    /// refer to them. The order is fixed, not the config's, so a checkpoint's position means the same in every run.
    /// </summary>
    public static IReadOnlyList<SampleModel> All { get; } = [new CompanyModel(), new ContactModel(), new DealModel()];

    /// <summary>The models of <see cref="All"/> that <paramref name="declared"/> names, in write order.</summary>
    /// <exception cref="InvalidOperationException">A declared model is not one sample-data writes.</exception>
    public static IReadOnlyList<SampleModel> Resolve(IReadOnlyList<string> declared)
    {
        ArgumentNullException.ThrowIfNull(declared);
        var unknown = declared.Where(name => !All.Any(model => model.Name == name)).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException(
                $"The sync declares model(s) {string.Join(", ", unknown.Select(name => $"'{name}'"))} that sample-data " +
                $"does not write; it writes {string.Join(", ", All.Select(model => model.Name))}.");
        }

        return All.Where(model => declared.Contains(model.Name, StringComparer.Ordinal)).ToList();
    }
}
