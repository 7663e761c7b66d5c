namespace Tributary.Sdk;

/// <summary>What one batch write changed in the records cache.</summary>
/// <param name="Added">Records that were new, or deleted and now live again.</param>
/// <param name="Updated">Records whose content changed.</param>
/// <param name="Deleted">Live records that were soft-deleted.</param>
/// <param name="Unchanged">Records written with the content already stored; nothing was rewritten.</param>
public sealed record BatchResult(int Added, int Updated, int Deleted, int Unchanged)
{
    /// <summary>A batch that changed nothing.</summary>
    public static BatchResult Empty { get; } = new(0, 0, 0, 0);
}
