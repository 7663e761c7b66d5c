namespace Tributary.Sdk;

/// <summary>
/// Thrown by a write of a run that no longer holds its lease (cancelled, reset, or expired and taken
/// over by another worker). Nothing of the write was applied. Functions should let it propagate.
/// </summary>
public sealed class LeaseLostException : Exception
{
    /// <summary>Creates the exception with a message that names the run.</summary>
    public LeaseLostException(string message)
        : base(message)
    {
    }
}

/// <summary>Thrown when a checkpoint was saved by someone else since this run read it.</summary>
public sealed class CheckpointConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CheckpointConflictException(string message)
        : base(message)
    {
    }
}

/// <summary>Thrown when a function passes records or a checkpoint that break the rules of the cache.</summary>
public sealed class InvalidRecordsException : Exception
{
    /// <summary>Creates the exception with a message that names the model and the offending index.</summary>
    public InvalidRecordsException(string message)
        : base(message)
    {
    }
}
