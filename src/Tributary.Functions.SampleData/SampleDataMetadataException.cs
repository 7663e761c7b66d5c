namespace Tributary.Functions.SampleData;

/// <summary>
/// The connection metadata asks the sample-data function for something it cannot do. The message names
/// every bad key at once, because whoever fixes the metadata wants all of them in one go.
/// </summary>
public sealed class SampleDataMetadataException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="keys">The metadata keys at fault, in the order they were checked.</param>
    /// <param name="problems">One sentence per problem; each names its key.</param>
    public SampleDataMetadataException(IReadOnlyList<string> keys, IReadOnlyList<string> problems)
        : base("Invalid connection metadata for sample-data: " + string.Join(" ", problems))
    {
        Keys = keys;
    }

    /// <summary>The metadata keys at fault.</summary>
    public IReadOnlyList<string> Keys { get; }
}
