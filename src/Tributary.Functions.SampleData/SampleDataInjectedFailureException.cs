namespace Tributary.Functions.SampleData;

/// <summary>
/// Thrown on purpose when the connection metadata sets <c>fail_after_batches</c>, so that crash and
/// resume behaviour can be tested against a run that fails at a known point.
/// </summary>
public sealed class SampleDataInjectedFailureException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="batches">How many batches the run saved before failing.</param>
    public SampleDataInjectedFailureException(int batches)
        : base($"sample-data failed on purpose after saving {batches} batch(es), as metadata 'fail_after_batches' asks.")
    {
        Batches = batches;
    }

    /// <summary>How many batches the run saved (and checkpointed) before failing.</summary>
    public int Batches { get; }
}
